// The time source for everything outside lib/domain (which takes `now` as an
// argument). Tests move it forward instead of sleeping.

type Now = () => Date;
let current: Now = () => new Date();

export const clock = {
  now: (): Date => current(),
  /** Replace the time source; returns a function restoring the previous one. */
  set(now: Now): () => void {
    const previous = current;
    current = now;
    return () => {
      current = previous;
    };
  },
};
