/**
 * Where Hugging Face files are cached and which endpoint and token to use, resolved from the same
 * environment variables as the Python `huggingface_hub` (the JS library reads only the cache ones).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The hub cache directory: `HF_HUB_CACHE` > `HUGGINGFACE_HUB_CACHE` > `$HF_HOME/hub` >
 * `$XDG_CACHE_HOME/huggingface/hub` > `~/.cache/huggingface/hub`.
 */
export function hfHubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env['HF_HUB_CACHE']) return env['HF_HUB_CACHE'];
  if (env['HUGGINGFACE_HUB_CACHE']) return env['HUGGINGFACE_HUB_CACHE'];
  return join(hfHome(env), 'hub');
}

/** `HF_HOME` > `$XDG_CACHE_HOME/huggingface` > `~/.cache/huggingface`. */
export function hfHome(env: NodeJS.ProcessEnv = process.env): string {
  if (env['HF_HOME']) return env['HF_HOME'];
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'huggingface');
}

/** The hub endpoint from `HF_ENDPOINT` (trailing slashes removed), or undefined for the public hub. */
export function hfEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const e = env['HF_ENDPOINT'];
  return e ? e.replace(/\/+$/, '') : undefined;
}

/**
 * The access token: `HF_TOKEN` > `HUGGING_FACE_HUB_TOKEN` > the file `huggingface-cli login` writes
 * (`HF_TOKEN_PATH`, else `$HF_HOME/token`). Undefined when none is set.
 */
export function hfToken(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env['HF_TOKEN'] || env['HUGGING_FACE_HUB_TOKEN'];
  if (fromEnv) return fromEnv.trim();
  try {
    const token = readFileSync(env['HF_TOKEN_PATH'] || join(hfHome(env), 'token'), 'utf8').trim();
    return token || undefined;
  } catch {
    return undefined;
  }
}

/** True when `HF_HUB_OFFLINE` asks not to contact the hub (1/true/yes/on). */
export function hfOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes|on)$/i.test(env['HF_HUB_OFFLINE'] ?? '');
}
