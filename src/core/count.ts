// Counts as a person reads them, in the plan, the summary and the live lines alike.

/** 10001 → "10,001"; a fraction (a rate) is rounded first. */
export function formatCount(count: number): string {
  return String(Math.round(count)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
