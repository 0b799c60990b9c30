/** The generated estates the benchmarks share: 50,000 instances is 10,000 groups / 200,000 rules / 60,000 ENIs / 10,000 EIPs. */
export function specFor(instances: number) {
  const scale = instances / 50_000;
  return {
    instances,
    groups: Math.max(10, Math.round(10_000 * scale)),
    rulesPerGroup: 20,
    enis: Math.round(60_000 * scale),
    eips: Math.round(10_000 * scale),
    seed: 42,
  };
}
