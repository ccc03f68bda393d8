/**
 * Standard five-field cron expressions (minute hour day-of-month month day-of-week), as Velero
 * schedules and Karpenter disruption budgets take them: validated here, and measured, because a
 * backup alert must know how long the schedule may leave between two runs.
 */

const FIELDS: Array<{ min: number; max: number; names?: string[] }> = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { min: 0, max: 7, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

export interface CronSchedule {
  readonly minutes: Set<number>;
  readonly hours: Set<number>;
  readonly daysOfMonth: Set<number>;
  readonly months: Set<number>;
  /** 0 = Sunday (7 is folded into 0). */
  readonly daysOfWeek: Set<number>;
  /** Whether day-of-month / day-of-week were restricted (not `*`): cron ORs them when both are. */
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
}

/**
 * The values each field matches: `*`, `a`, `a-b`, `* /n` (without the space), `a-b/n`, `a/n`, lists
 * with `,`, month and weekday names. Undefined when the expression is not one.
 */
export function parseCron(expr: string): CronSchedule | undefined {
  const parts = expr.trim().split(/\s+/);
  if (parts.length !== 5) return undefined;
  const sets: Array<Set<number>> = [];
  for (const [i, part] of parts.entries()) {
    const f = FIELDS[i];
    const num = (t: string): number | undefined => {
      const byName = f.names?.indexOf(t.toUpperCase()) ?? -1;
      if (byName >= 0) return byName + (i === 3 ? 1 : 0);
      return /^[0-9]+$/.test(t) ? Number(t) : undefined;
    };
    const values = new Set<number>();
    for (const item of part.split(',')) {
      const m = /^(\*|([A-Za-z0-9]+)(-([A-Za-z0-9]+))?)(\/([0-9]+))?$/.exec(item);
      if (!m) return undefined;
      const step = m[6] === undefined ? 1 : Number(m[6]);
      const lo = m[1] === '*' ? f.min : num(m[2]);
      const hi = m[1] === '*' ? f.max : m[4] !== undefined ? num(m[4]) : m[6] !== undefined ? f.max : lo;
      if (lo === undefined || hi === undefined || step < 1 || lo < f.min || hi > f.max || lo > hi) return undefined;
      for (let v = lo; v <= hi; v += step) values.add(i === 4 && v === 7 ? 0 : v);
    }
    sets.push(values);
  }
  return {
    minutes: sets[0], hours: sets[1], daysOfMonth: sets[2], months: sets[3], daysOfWeek: sets[4],
    domRestricted: parts[2] !== '*', dowRestricted: parts[4] !== '*',
  };
}

const DAY_MS = 24 * 3600 * 1000;
/** Eight years from a leap year: every calendar pattern (29 February included) repeats within it. */
const SPAN_DAYS = 8 * 366;
const EPOCH = Date.UTC(2024, 0, 1);

/**
 * The longest time, in minutes, the schedule leaves between two consecutive runs (UTC), or
 * undefined when the expression is invalid or never runs (such as 30 February).
 */
export function cronMaxGapMinutes(expr: string): number | undefined {
  const c = parseCron(expr);
  if (!c) return undefined;
  const times = [...c.hours].sort((a, b) => a - b).flatMap((h) => [...c.minutes].sort((a, b) => a - b).map((m) => h * 60 + m));
  let previous: number | undefined;
  let gap = 0;
  for (let d = 0; d < SPAN_DAYS; d++) {
    const day = new Date(EPOCH + d * DAY_MS);
    if (!c.months.has(day.getUTCMonth() + 1)) continue;
    const dom = c.daysOfMonth.has(day.getUTCDate());
    const dow = c.daysOfWeek.has(day.getUTCDay());
    const runsToday = c.domRestricted && c.dowRestricted ? dom || dow : dom && dow;
    if (!runsToday) continue;
    for (const t of times) {
      const minute = d * 24 * 60 + t;
      if (previous !== undefined) gap = Math.max(gap, minute - previous);
      previous = minute;
    }
  }
  if (previous === undefined) return undefined;
  // A single run in eight years means "almost never": treat the span as the gap.
  return gap === 0 ? SPAN_DAYS * 24 * 60 : gap;
}
