const MI = 1024 * 1024;

/** sandboxd's split of a container's ephemeral storage budget: 20% for /tmp, at least 16Mi when the budget is ≥ 48Mi. */
export function tmpSizeBytes(budgetBytes: number): number {
  const fifth = Math.floor(budgetBytes / 5);
  return budgetBytes >= 48 * MI ? Math.max(fifth, 16 * MI) : Math.max(fifth, 1);
}

export function rootfsSizeBytes(budgetBytes: number): number {
  return Math.max(budgetBytes - tmpSizeBytes(budgetBytes), 0);
}
