// `using` support: [Symbol.dispose]() for every object that owns runtime memory, installed
// only where the engine has Symbol.dispose (explicit resource management), so older engines
// see no property named "undefined" and keep calling dispose() themselves.

const DISPOSE: unknown = (Symbol as { dispose?: symbol }).dispose;

/**
 * Gives the instances of a class with dispose() a [Symbol.dispose]() that calls it, so
 * `using x = new …` frees them at the end of the block. Call it from the class's static block.
 */
export function installDispose(cls: { readonly prototype: { dispose(): void } }): void {
  if (typeof DISPOSE !== "symbol") return;
  Object.defineProperty(cls.prototype, DISPOSE, {
    value(this: { dispose(): void }): void {
      this.dispose();
    },
    writable: true,
    configurable: true,
  });
}
