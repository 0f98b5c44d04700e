/**
 * POST /v1/runs: a run queued for a worker. Checked as a worker will check it (the request, and
 * its controller URL against the operator's GAGENT_CONTROLLER_URLS), so nothing is queued that no
 * worker may run. With an Idempotency-Key, a retried submit answers the run the first one queued
 * (200) instead of queuing another (202); the same key with another body is refused (409). Keys
 * belong to one user, and the database's unique index makes two submits racing with one key queue
 * exactly one run.
 */
import type http from 'node:http';
import type { ControllerUrlPrefix } from '../../config.js';
import { checkControllerUrl, checkRunRequest, sameRunRequest } from '../../runner/run-request.js';
import { newRunId } from '../../runner/run-task.js';
import type { Store } from '../../store/store.js';
import { noWorkerWarning } from '../run-execution.js';
import { HttpError, readJsonBody } from './http-io.js';

/** Visible ASCII, as a client would make one (a UUID, a hash): nothing to escape, bounded. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export interface SubmitAnswer {
  status: 200 | 202;
  headers: Record<string, string>;
  body: { runId: string; user: string; status: string; replayed: boolean; warnings?: string[] };
}

/** The request's Idempotency-Key, checked; undefined when it sent none. */
function idempotencyKey(req: http.IncomingMessage): string | undefined {
  const raw = req.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  // Sent twice, Node joins the values with ", ": refused like any other key with a space.
  const key = Array.isArray(raw) ? raw.join(', ') : raw;
  if (!IDEMPOTENCY_KEY.test(key))
    throw new HttpError(
      400,
      'bad_request',
      'The Idempotency-Key header must be 1 to 200 visible ASCII characters (no spaces), for example a UUID.',
    );
  return key;
}

export async function submitFromApi(
  store: Store,
  user: string,
  req: http.IncomingMessage,
  limits: { maxBodyBytes: number; allowedControllerUrls: readonly ControllerUrlPrefix[] },
): Promise<SubmitAnswer> {
  const key = idempotencyKey(req);
  const request = checkRunRequest(await readJsonBody(req, limits.maxBodyBytes));
  checkControllerUrl(request, limits.allowedControllerUrls);
  const run = await store.queue.submit({
    id: newRunId(),
    userId: user,
    request,
    queuedAt: new Date().toISOString(),
    ...(key !== undefined ? { idempotencyKey: key } : {}),
  });
  if (run.created) {
    const unseen = await noWorkerWarning(store);
    const warnings = unseen ? { warnings: [unseen] } : {};
    return {
      status: 202,
      headers: {},
      body: { runId: run.id, user, status: 'queued', replayed: false, ...warnings },
    };
  }
  if (!sameRunRequest(run.options, request))
    throw new HttpError(
      409,
      'idempotency_conflict',
      `This Idempotency-Key was already used for another run (${run.id}) with a different body; use a new key for a new run.`,
    );
  return {
    status: 200,
    headers: { 'idempotent-replayed': 'true' },
    body: { runId: run.id, user, status: run.status, replayed: true },
  };
}
