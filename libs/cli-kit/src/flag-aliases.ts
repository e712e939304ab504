/**
 * Flags are declared in kebab-case; the Python tools users come from spell many of them in snake_case
 * (`--model_path`, `--input_dir`). Every multi-word flag therefore also answers to its snake_case name.
 */

/** `model-path` → `model_path`; single words give undefined (no alias needed). */
export function snakeAlias(flag: string): string | undefined {
  return flag.includes('-') ? flag.replace(/-/g, '_') : undefined;
}

/** Adds the snake_case alias to every multi-word option of a yargs options map (returns a new map). */
export function withSnakeAliases<T extends Record<string, object>>(options: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(options)) {
    const snake = snakeAlias(name);
    const alias = (spec as { alias?: string | readonly string[] }).alias;
    const given = alias === undefined ? [] : typeof alias === 'string' ? [alias] : [...alias];
    out[name] = snake && !given.includes(snake) ? { ...spec, alias: [...given, snake] } : spec;
  }
  return out as T;
}

/** Parses `1,2,3` (or `1 2 3`) into numbers; throws naming the flag when a value is not a number. */
export function parseNumberList(flag: string, value: unknown, length?: number): number[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parts = Array.isArray(value) ? value.flatMap((v) => String(v).split(/[,\s]+/)) : String(value).split(/[,\s]+/);
  const nums = parts.filter((p) => p !== '').map(Number);
  if (nums.some((n) => !Number.isFinite(n)) || (length !== undefined && nums.length !== length)) {
    throw Object.assign(
      new Error(`--${flag} ${String(value)}: expected ${length ?? 'a list of'} comma-separated numbers, e.g. --${flag} ${Array(length ?? 3).fill(64).join(',')}`),
      { exitCode: 2 },
    );
  }
  return nums;
}
