import type { Repository } from '../../schemas/index.js';

/** A labelled select of the registered repositories (by root path), with an optional "any" choice. */
export function RepositorySelect(props: {
  id: string;
  label: string;
  repositories: readonly Repository[];
  value: string;
  onChange: (root: string) => void;
  anyLabel?: string;
  required?: boolean;
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} required={props.required ?? false} onChange={(event) => props.onChange(event.currentTarget.value)}>
        {props.anyLabel !== undefined ? <option value="">{props.anyLabel}</option> : null}
        {props.repositories.map((repository) => (
          <option key={repository.id} value={repository.root}>
            {repository.root}
          </option>
        ))}
      </select>
    </>
  );
}
