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
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // The public header as a Swift module, so the entry points use the very structs C callers see.
        .systemLibrary(name: "CNerveABI", path: "Sources/CNerveABI"),
        .target(
            name: "Nerve",
            dependencies: ["CBLAS"]
        ),
        .target(name: "NerveC", dependencies: ["Nerve", "CNerveABI"], exclude: ["exports.map"]),
        .testTarget(name: "NerveTests", dependencies: ["Nerve", "NerveC"]),
    ]
)
