// swift-tools-version:5.9
import PackageDescription

// libnerve.so is the product `nerve`. The Makefile builds it with a static Swift runtime and a linker
// version script that exports only nerve_* (those flags would break `swift test` if they lived here).
let package = Package(
    name: "nerve",
    products: [
        .library(name: "nerve", type: .dynamic, targets: ["NerveC"]),
    ],
    targets: [
        // Matrix kernels in C: each output element is one fused multiply-add chain in a fixed order, whatever
        // the batch, which is what makes results independent of batching and threads. Contraction stays off so
        // the portable code computes exactly what it says; DWARF 4 because valgrind 3.19 cannot read the DWARF 5
        // that the toolchain's clang writes by default. No loop may become memset/memcpy: a host's
        // ThreadSanitizer sees those calls on helper threads but not the atomics that order them.
        .target(name: "CNerveKernels", path: "Sources/CNerveKernels",
                cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off", "-gdwarf-4", "-fno-builtin-memset",
                                          "-fno-builtin-memcpy", "-fno-builtin-memmove"])]),
        // The public header as a Swift module, so the entry points use the very structs C callers see.
        .systemLibrary(name: "CNerveABI", path: "Sources/CNerveABI"),
        .target(name: "Nerve", dependencies: ["CNerveKernels"]),
        .target(name: "NerveC", dependencies: ["Nerve", "CNerveABI"], exclude: ["exports.map"]),
        .testTarget(name: "NerveTests", dependencies: ["Nerve", "NerveC"]),
    ]
)
