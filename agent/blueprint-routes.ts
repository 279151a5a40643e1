// Routing as data: each node of a blueprint declares the outcome labels it can return,
// and the blueprint maps each label to the node that runs next. The whole table is
// checked before a run starts, so a misspelt target is an error, never a silent
// fall-through to the following node.
import { MinionsError } from '../schemas/index.js';
import type { Blueprint } from './blueprint.js';

/** Route target that stops the run (clean-up still runs); no failure is recorded. */
export const endRoute = 'end';
/** Route target that stops the run and records the node's failure (its note) as the run's. */
export const failRoute = 'fail';

/**
 * The label the engine gives a node that threw, exceeded its time limit or was
 * cancelled; every node can end this way, so every node has a route for it.
 */
export const failedLabel = 'failed';

/** A node's routes after defaults: label -> target node name, `'end'` or `'fail'`. */
export type ResolvedRoutes = ReadonlyMap<string, ReadonlyMap<string, string>>;

/**
 * The routes of a label a node does not route explicitly: `ok` and `skipped` go to the
 * following node (the end after the last one), `failed` stops the run as a failure.
 */
function defaultTarget(label: string, following: string): string | undefined {
  if (label === 'ok' || label === 'skipped') return following;
  if (label === failedLabel) return failRoute;
  return undefined;
}

function invalid(blueprint: Blueprint, node: string | undefined, message: string): MinionsError {
  return new MinionsError('invalid-argument', `Blueprint "${blueprint.name}"${node === undefined ? '' : `, node "${node}"`}: ${message}`);
}

function checkNames(blueprint: Blueprint): Set<string> {
  if (blueprint.nodes.length === 0) throw invalid(blueprint, undefined, 'has no nodes.');
  const names = new Set<string>();
  for (const node of blueprint.nodes) {
    if (node.name === endRoute || node.name === failRoute) throw invalid(blueprint, node.name, `"${node.name}" is a route target, not a node name.`);
    if (names.has(node.name)) throw invalid(blueprint, node.name, 'the name is used by two nodes.');
    names.add(node.name);
  }
  return names;
}

/**
 * Checks a blueprint's routing and returns its table with the defaults filled in.
 * Every route must name a label the node declares and a node of the blueprint (or
 * `end`/`fail`); every label a node can return must have a route. Anything else is a
 * `MinionsError('invalid-argument')` naming the blueprint and the node.
 */
export function validateBlueprint(blueprint: Blueprint): ResolvedRoutes {
  const names = checkNames(blueprint);
  const table = new Map<string, Map<string, string>>();
  for (const [index, node] of blueprint.nodes.entries()) {
    const labels = new Set([...node.outcomes, failedLabel]);
    const following = blueprint.nodes[index + 1]?.name ?? endRoute;
    const routes = new Map<string, string>();
    for (const [label, target] of Object.entries(node.routes ?? {})) {
      if (!labels.has(label)) throw invalid(blueprint, node.name, `routes the outcome "${label}", which the node never returns (its outcomes: ${[...labels].join(', ')}).`);
      if (target !== endRoute && target !== failRoute && !names.has(target)) {
        throw invalid(blueprint, node.name, `routes "${label}" to "${target}", which is not a node of the blueprint (nodes: ${[...names].join(', ')}; or ${endRoute}, ${failRoute}).`);
      }
      routes.set(label, target);
    }
    for (const label of labels) {
      if (routes.has(label)) continue;
      const target = defaultTarget(label, following);
      if (target === undefined) throw invalid(blueprint, node.name, `the outcome "${label}" has no route.`);
      routes.set(label, target);
    }
    table.set(node.name, routes);
  }
  return table;
}
