// GitHub webhook deliveries as GitHub sends them (abridged from the documented payloads of
// the workflow_run and check_run events: the fields the hook reads, in their places, among
// many it does not), for the CI hook's tests.

/** The `repository` object of a delivery for `acme/widgets`. */
export function githubRepository(owner = 'acme', name = 'widgets'): Record<string, unknown> {
  return {
    id: 1296269,
    node_id: 'MDEwOlJlcG9zaXRvcnkxMjk2MjY5',
    name,
    full_name: `${owner}/${name}`,
    private: false,
    owner: { login: owner, id: 1, type: 'Organization', site_admin: false },
    html_url: `https://github.com/${owner}/${name}`,
    description: 'Widgets for everyone',
    fork: false,
    url: `https://api.github.com/repos/${owner}/${name}`,
    git_url: `git://github.com/${owner}/${name}.git`,
    ssh_url: `git@github.com:${owner}/${name}.git`,
    clone_url: `https://github.com/${owner}/${name}.git`,
    svn_url: `https://github.com/${owner}/${name}`,
    default_branch: 'main',
    visibility: 'public',
  };
}

const sender = { login: 'octocat', id: 583231, type: 'User', site_admin: false };

/** A `workflow_run` delivery: a run of the workflow "CI" on a commit. */
export function workflowRunDelivery(options: { sha: string; action?: string; conclusion?: string | null; name?: string }): Record<string, unknown> {
  return {
    action: options.action ?? 'completed',
    workflow_run: {
      id: 30433642,
      name: options.name ?? 'CI',
      node_id: 'MDEyOldvcmtmbG93IFJ1bjI2OTI4OQ==',
      head_branch: 'main',
      head_sha: options.sha,
      path: '.github/workflows/ci.yml',
      display_title: 'Add the gear ratio',
      run_number: 562,
      event: 'push',
      status: 'completed',
      conclusion: options.conclusion === undefined ? 'failure' : options.conclusion,
      workflow_id: 159038,
      check_suite_id: 414944374,
      url: 'https://api.github.com/repos/acme/widgets/actions/runs/30433642',
      html_url: 'https://github.com/acme/widgets/actions/runs/30433642',
      pull_requests: [],
      created_at: '2026-11-30T21:55:12Z',
      updated_at: '2026-11-30T21:58:41Z',
      run_attempt: 1,
      run_started_at: '2026-11-30T21:55:12Z',
      jobs_url: 'https://api.github.com/repos/acme/widgets/actions/runs/30433642/jobs',
      logs_url: 'https://api.github.com/repos/acme/widgets/actions/runs/30433642/logs',
      head_commit: { id: options.sha, message: 'Add the gear ratio', author: { name: 'Octo Cat', email: 'octocat@github.com' } },
    },
    workflow: { id: 159038, name: options.name ?? 'CI', path: '.github/workflows/ci.yml', state: 'active' },
    repository: githubRepository(),
    organization: { login: 'acme', id: 1 },
    sender,
  };
}

/** A `check_run` delivery: the job "test (20.x)" of GitHub Actions, with its output. */
export function checkRunDelivery(options: { sha: string; action?: string; conclusion?: string | null; name?: string; output?: Record<string, unknown> }): Record<string, unknown> {
  return {
    action: options.action ?? 'completed',
    check_run: {
      id: 128620228,
      name: options.name ?? 'test (20.x)',
      node_id: 'MDg6Q2hlY2tSdW4xMjg2MjAyMjg=',
      head_sha: options.sha,
      external_id: 'ca395085-040a-526b-2ce8-bdc85f692774',
      url: 'https://api.github.com/repos/acme/widgets/check-runs/128620228',
      html_url: 'https://github.com/acme/widgets/runs/128620228',
      details_url: 'https://github.com/acme/widgets/actions/runs/30433642/job/128620228',
      status: 'completed',
      conclusion: options.conclusion === undefined ? 'failure' : options.conclusion,
      started_at: '2026-11-30T21:55:20Z',
      completed_at: '2026-11-30T21:58:40Z',
      output: options.output ?? { title: null, summary: null, text: null, annotations_count: 0, annotations_url: 'https://api.github.com/repos/acme/widgets/check-runs/128620228/annotations' },
      check_suite: { id: 414944374, head_branch: 'main', head_sha: options.sha, status: 'completed', conclusion: 'failure' },
      app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
      pull_requests: [],
    },
    repository: githubRepository(),
    sender,
  };
}
