import { useState } from 'preact/hooks';

/** Copies text to the clipboard; where the Clipboard API is missing (plain http beyond localhost), through a hidden selection. */
async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && isSecureContext) return navigator.clipboard.writeText(text);
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

/** A button copying `text`, its accessible name saying what ("Copy PR title"); it says "Copied" once done. */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <button
      type="button"
      class="copy"
      aria-label={`Copy ${what}`}
      onClick={() => copyText(text).then(() => setState('copied'), () => setState('failed'))}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : 'Copy'}
      <span class="visually-hidden" aria-live="polite">
        {state === 'copied' ? `${what} copied` : ''}
      </span>
    </button>
  );
}
