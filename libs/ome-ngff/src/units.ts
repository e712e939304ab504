/** Space units the NGFF specification allows (UDUNITS-2 names). */
export const SPACE_UNITS: readonly string[] = [
  'angstrom', 'attometer', 'centimeter', 'decimeter', 'exameter', 'femtometer', 'foot', 'gigameter',
  'hectometer', 'inch', 'kilometer', 'megameter', 'meter', 'micrometer', 'mile', 'millimeter',
  'nanometer', 'parsec', 'petameter', 'picometer', 'terameter', 'yard', 'yoctometer', 'yottameter',
  'zeptometer', 'zettameter',
];

/** Time units the NGFF specification allows (UDUNITS-2 names). */
export const TIME_UNITS: readonly string[] = [
  'attosecond', 'centisecond', 'day', 'decisecond', 'exasecond', 'femtosecond', 'gigasecond',
  'hectosecond', 'hour', 'kilosecond', 'megasecond', 'microsecond', 'millisecond', 'minute',
  'nanosecond', 'petasecond', 'picosecond', 'second', 'terasecond', 'yoctosecond', 'yottasecond',
  'zeptosecond', 'zettasecond',
];

/** Axis types the specification names. */
export const AXIS_TYPES: readonly string[] = ['space', 'time', 'channel'];

const SPACE_UNIT_SET = new Set(SPACE_UNITS);
const TIME_UNIT_SET = new Set(TIME_UNITS);

/** Whether `unit` is one of the specification's space units. */
export function isSpaceUnit(unit: string): boolean {
  return SPACE_UNIT_SET.has(unit);
}

/** Whether `unit` is one of the specification's time units. */
export function isTimeUnit(unit: string): boolean {
  return TIME_UNIT_SET.has(unit);
}
