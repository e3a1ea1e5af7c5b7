/**
 * Handler settings read from environment variables on every call, so a test or the local
 * runner can change them between calls.
 */
import { ConfigurationError } from './errors';

/** Settings of the Message Batches API client. */
export interface ApiConfig {
  /** Base URL without a trailing slash, such as `https://api.anthropic.com`. */
  readonly baseUrl: string;
  /** Timeout of one HTTP attempt, in milliseconds. */
  readonly httpTimeoutMs: number;
  /**
   * Timeout of a create whose body is streamed from a requests object in S3, in milliseconds:
   * the whole upload and the response.
   */
  readonly uploadTimeoutMs: number;
}

/** Base URL used when ANTHROPIC_BASE_URL is unset. */
export const DEFAULT_BASE_URL = 'https://api.anthropic.com';
/** HTTP timeout used when HTTP_TIMEOUT_MS is unset: 10 s, well inside the 30 s Lambda timeout. */
export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
/**
 * UPLOAD_TIMEOUT_MS used when it is unset: 400 s. The construct sets the same value and gives
 * the create function a 900 s Lambda timeout, which fits two uploads (a 401 repeats the create
 * with a re-read key) and the list calls after an ambiguous failure. 256 MB in 400 s needs
 * 0.64 MB/s.
 */
export const DEFAULT_UPLOAD_TIMEOUT_MS = 400_000;
/** Largest accepted HTTP_TIMEOUT_MS and UPLOAD_TIMEOUT_MS: the 15 minute maximum Lambda timeout. */
const MAX_HTTP_TIMEOUT_MS = 900_000;

/**
 * Reads ANTHROPIC_BASE_URL, HTTP_TIMEOUT_MS and UPLOAD_TIMEOUT_MS.
 *
 * Throws `ConfigurationError` for a base URL that is not https, unless its host is loopback,
 * because the API key must never travel in clear text over a network.
 */
export function readApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return {
    baseUrl: parseBaseUrl(env.ANTHROPIC_BASE_URL ?? DEFAULT_BASE_URL),
    httpTimeoutMs: parseTimeoutMs('HTTP_TIMEOUT_MS', env.HTTP_TIMEOUT_MS, DEFAULT_HTTP_TIMEOUT_MS),
    uploadTimeoutMs: parseTimeoutMs(
      'UPLOAD_TIMEOUT_MS',
      env.UPLOAD_TIMEOUT_MS,
      DEFAULT_UPLOAD_TIMEOUT_MS,
    ),
  };
}

/** Tells whether a URL hostname is loopback: 127.0.0.0/8, localhost or [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new ConfigurationError(
      `ANTHROPIC_BASE_URL is "${value}", which is not a valid URL; set it to https://api.anthropic.com or leave it unset.`,
      { cause: error },
    );
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new ConfigurationError(
      `ANTHROPIC_BASE_URL has user info, a query or a fragment; set it to a plain base URL such as ${DEFAULT_BASE_URL}.`,
    );
  }
  const isHttps = url.protocol === 'https:';
  const isLoopbackHttp = url.protocol === 'http:' && isLoopbackHost(url.hostname);
  if (!isHttps && !isLoopbackHttp) {
    throw new ConfigurationError(
      `ANTHROPIC_BASE_URL is "${value}"; it must use https:// because the API key is sent with every request (http:// is allowed only for 127.0.0.0/8, localhost and [::1]).`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseTimeoutMs(name: string, value: string | undefined, defaultMs: number): number {
  if (value === undefined || value === '') return defaultMs;
  const timeoutMs = Number(value);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_HTTP_TIMEOUT_MS) {
    throw new ConfigurationError(
      `${name} is "${value}"; it must be a whole number of milliseconds from 1 to ${MAX_HTTP_TIMEOUT_MS}, and well below the Lambda timeout.`,
    );
  }
  return timeoutMs;
}
