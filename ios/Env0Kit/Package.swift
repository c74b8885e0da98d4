// swift-tools-version:5.9
// Env0Kit: env0's embedded world, task library, agents, benchmarks and model store for Swift.
// The Rust library comes as env0FFI.xcframework, built on a Mac by ../scripts/build-xcframework.sh
// (not committed). Sources/Env0Kit/Generated/env0_ffi.swift is UniFFI's generated Swift, kept
// up to date by ffi/scripts/update-bindings.sh; the rest of Sources/Env0Kit is the Swift layer.
import PackageDescription

let package = Package(
    name: "Env0Kit",
    platforms: [.iOS(.v17), .macOS(.v14)],
    products: [
        .library(name: "Env0Kit", targets: ["Env0Kit"]),
    ],
    targets: [
        .binaryTarget(name: "env0FFI", path: "env0FFI.xcframework"),
        .target(
            name: "Env0Kit",
            dependencies: ["env0FFI"],
            path: "Sources/Env0Kit",
            linkerSettings: [
                // env0-world links the system SQLite on iOS (device and simulator) and compiles
                // its own everywhere else (see ffi/scripts/phone-targets.sh).
                .linkedLibrary("sqlite3", .when(platforms: [.iOS])),
            ]
        ),
        .testTarget(
            name: "Env0KitTests",
            dependencies: ["Env0Kit"],
            path: "Tests/Env0KitTests"
        ),
    ]
)
