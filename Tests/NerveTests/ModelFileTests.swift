import Foundation
import Testing
@testable import Nerve

/// Saving to and loading from files: identical networks back, corrupted files refused, no temporary left over.
@Suite struct ModelFileTests {
    /// A fresh directory per test, removed afterwards.
    static func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nerve-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    static func trainedNetwork() throws -> Network {
        let network = try Network(sizes: [2, 5, 1], activations: [.tanh, .sigmoid], cost: .crossEntropy, seed: 17)
        var options = TrainingOptions()
        options.epochs = 20
        options.batchSize = 2
        try network.train(.xor, options: options)
        return network
    }

    @Test func saveThenLoadGivesIdenticalNetwork() throws {
        try ModelFileTests.withTemporaryDirectory { directory in
            let network = try ModelFileTests.trainedNetwork()
            let path = directory.appendingPathComponent("model.nerve").path
            try ModelFile.save(network, to: path)
            let loaded = try ModelFile.load(from: path)
            #expect(bitIdentical(loaded.parameterValues, network.parameterValues))
            #expect(loaded.layers.map(\.activation) == [.tanh, .sigmoid])
            #expect(loaded.cost == .crossEntropy)
            var random = SplitMix(state: 9)
            let probe = Dataset(x: random.uniforms(50 * 2, -1, 2), y: [Float](repeating: 0, count: 50), inputs: 2, outputs: 1)
            #expect(bitIdentical(try loaded.predictions(probe), try network.predictions(probe)))
            // Only the model is left in the directory: the temporary file was renamed, not copied.
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.nerve"])
        }
    }

    @Test func saveReplacesAnExistingModel() throws {
        try ModelFileTests.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("model.nerve").path
            let first = try Network(sizes: [2, 3, 1], activations: [.relu, .linear], cost: .quadratic, seed: 1)
            let second = try Network(sizes: [4, 2], activations: [.softmax], cost: .logLikelihood, seed: 2)
            try ModelFile.save(first, to: path)
            try ModelFile.save(second, to: path)
            let loaded = try ModelFile.load(from: path)
            #expect(loaded.inputSize == 4)
            #expect(bitIdentical(loaded.parameterValues, second.parameterValues))
        }
    }

    @Test func corruptedFilesAreFormatErrors() throws {
        try ModelFileTests.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("model.nerve").path
            try ModelFile.save(try ModelFileTests.trainedNetwork(), to: path)
            let original = try Data(contentsOf: URL(fileURLWithPath: path))

            var flipped = original
            flipped[original.count / 2] ^= 0x10
            try flipped.write(to: URL(fileURLWithPath: path))
            #expect(thrownKind { _ = try ModelFile.load(from: path) } == .format)

            try original.prefix(original.count - 1).write(to: URL(fileURLWithPath: path))
            #expect(thrownKind { _ = try ModelFile.load(from: path) } == .format)

            try Data().write(to: URL(fileURLWithPath: path))
            #expect(thrownKind { _ = try ModelFile.load(from: path) } == .format)

            try Data("not a model at all, just some text of a plausible length for a header".utf8)
                .write(to: URL(fileURLWithPath: path))
            #expect(thrownKind { _ = try ModelFile.load(from: path) } == .format)

            try original.write(to: URL(fileURLWithPath: path))
            #expect(thrownKind { _ = try ModelFile.load(from: path) } == nil)
        }
    }

    @Test func missingFilesAndDirectoriesAreIOErrors() throws {
        try ModelFileTests.withTemporaryDirectory { directory in
            let network = try Network(sizes: [2, 1], activations: [.sigmoid], cost: .crossEntropy, seed: 1)
            #expect(thrownKind { _ = try ModelFile.load(from: directory.appendingPathComponent("absent").path) } == .io)
            #expect(thrownKind { _ = try ModelFile.load(from: directory.path) } == .io)
            #expect(thrownKind { try ModelFile.save(network, to: directory.path) } == .io)
            #expect(thrownKind { try ModelFile.save(network, to: directory.appendingPathComponent("no/such/dir/m").path) } == .io)
            #expect(thrownKind { try ModelFile.save(network, to: "") } == .invalid)
        }
    }
}
