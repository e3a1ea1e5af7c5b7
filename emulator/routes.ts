import type { Route } from './types';

/** Result of matching a method and path against the API's routes. */
export type RouteLookup =
  | { readonly kind: 'found'; readonly route: Route; readonly batchId: string | undefined }
  | { readonly kind: 'method_not_allowed'; readonly allowedMethods: string[] }
  | { readonly kind: 'not_found' };

interface RouteEntry {
  readonly pattern: RegExp;
  readonly routeByMethod: Readonly<Record<string, Route>>;
}

const ROUTE_TABLE: readonly RouteEntry[] = [
  {
    pattern: /^\/v1\/messages\/batches$/,
    routeByMethod: { GET: 'listMessageBatches', POST: 'createMessageBatch' },
  },
  {
    pattern: /^\/v1\/messages\/batches\/([^/]+)$/,
    routeByMethod: { GET: 'retrieveMessageBatch', DELETE: 'deleteMessageBatch' },
  },
  {
    pattern: /^\/v1\/messages\/batches\/([^/]+)\/cancel$/,
    routeByMethod: { POST: 'cancelMessageBatch' },
  },
  { pattern: /^\/v1\/messages\/batches\/([^/]+)\/results$/, routeByMethod: { GET: 'results' } },
];

/** Finds the route for `method` and `pathname`, with the batch id taken from the path. */
export function lookupRoute(method: string, pathname: string): RouteLookup {
  for (const entry of ROUTE_TABLE) {
    const match = entry.pattern.exec(pathname);
    if (match === null) {
      continue;
    }
    const route = entry.routeByMethod[method];
    if (route === undefined) {
      return { kind: 'method_not_allowed', allowedMethods: Object.keys(entry.routeByMethod) };
    }
    return { kind: 'found', route, batchId: decodeSegment(match[1]) };
  }
  return { kind: 'not_found' };
}

function decodeSegment(segment: string | undefined): string | undefined {
  if (segment === undefined) {
    return undefined;
  }
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape such as %zz stays as sent; no batch has such an id, so lookups return 404.
    return segment;
  }
}
