/**
 * State that the key handler can read synchronously. Keys can arrive faster than React re-renders (typing, pastes
 * split by the terminal), so the handler reads `ref.current`, which every `set` updates at once, while the render
 * uses the state value as usual.
 */
import { useRef, useState, type MutableRefObject } from "react";

export function useRefState<T>(initial: T): [T, MutableRefObject<T>, (next: T | ((prev: T) => T)) => void] {
  const [value, setValue] = useState<T>(initial);
  const ref = useRef<T>(initial);
  const set = (next: T | ((prev: T) => T)) => {
    ref.current = typeof next === "function" ? (next as (prev: T) => T)(ref.current) : next;
    setValue(ref.current);
  };
  return [value, ref, set];
}
