// Run by test/engine/pool-warm.test.ts in a process of its own (the pool is a
// process singleton): warms the pool, prints what it opened, then stays up.
import { poolStats, warmPool } from "@/lib/db/client";

console.log(JSON.stringify({ opened: await warmPool(), stats: poolStats() }));
setInterval(() => undefined, 1000);
