// Symmetric eigenvalue kernels on packed 'U' storage (placeholder until implemented).
export function eigenKernelsVersion(): i32 {
  return 0;
}
