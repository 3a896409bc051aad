// The eigenvalue part of the kernel ABI (pointers are byte offsets, lengths element counts).
export interface EigenKernels {
  eigenKernelsVersion(): number;
}
