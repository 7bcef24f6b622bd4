import CNerveABI
import Foundation
import Testing
@testable import NerveC

/// A few calls through the C entry points from Swift: status codes and messages for bad arguments, and one
/// hand-checked prediction. The thorough hostile-input suite is written in C under Tests/c.
@Suite struct CEntryPointTests {
    static func lastError() -> String { String(cString: NerveC.nerve_last_error()) }

    /// The 2-2-1 sigmoid network of HandComputedNetworkTests, created through the C API.
    static func handNetwork() -> OpaquePointer? {
        var net: OpaquePointer?
        let sizes: [Int32] = [2, 2, 1], activations: [Int32] = [Int32(NERVE_ACT_SIGMOID.rawValue), Int32(NERVE_ACT_SIGMOID.rawValue)]
        #expect(NerveC.nerve_create(&net, sizes, 3, activations, Int32(NERVE_COST_QUADRATIC.rawValue), 1) == NERVE_OK)
        return net
    }

    /// Each layer's specification: kind and {channels, height, width} in and out.
    @Test func layerShapesDescribeTheSpecification() {
        var net: OpaquePointer?
        let sizes: [Int32] = [5, 3, 2], activations: [Int32] = [Int32(NERVE_ACT_RELU.rawValue), Int32(NERVE_ACT_SOFTMAX.rawValue)]
        #expect(NerveC.nerve_create(&net, sizes, 3, activations, Int32(NERVE_COST_LOG_LIKELIHOOD.rawValue), 1) == NERVE_OK)
        defer { NerveC.nerve_free(net) }
        var kind: Int32 = -1
        var input: [Int32] = [0, 0, 0], output: [Int32] = [0, 0, 0]
        #expect(NerveC.nerve_layer_shape(net, 1, &kind, &input, &output) == NERVE_OK)
        #expect(kind == Int32(NERVE_LAYER_DENSE.rawValue) && input == [3, 1, 1] && output == [2, 1, 1])
        #expect(NerveC.nerve_layer_shape(net, 0, nil, &input, nil) == NERVE_OK && input == [5, 1, 1])
        #expect(NerveC.nerve_layer_shape(net, 2, &kind, nil, nil) == NERVE_E_INVALID)
        #expect(NerveC.nerve_layer_shape(net, -1, &kind, nil, nil) == NERVE_E_INVALID)
        #expect(NerveC.nerve_layer_shape(nil, 0, &kind, nil, nil) == NERVE_E_INVALID)
    }

    @Test func createRefusesBadArguments() {
        let sizes: [Int32] = [2, 3, 1], sigmoid: [Int32] = [0, 0]
        var net: OpaquePointer? = OpaquePointer(bitPattern: 0x1234)
        let cases: [(nerve_status, String, () -> nerve_status)] = [
            (NERVE_E_INVALID, "out", { NerveC.nerve_create(nil, sizes, 3, sigmoid, 0, 1) }),
            (NERVE_E_INVALID, "sizes", { NerveC.nerve_create(&net, nil, 3, sigmoid, 0, 1) }),
            (NERVE_E_INVALID, "activations", { NerveC.nerve_create(&net, sizes, 3, nil, 0, 1) }),
            (NERVE_E_SIZE, "n_sizes", { NerveC.nerve_create(&net, sizes, 1, sigmoid, 0, 1) }),
            (NERVE_E_SIZE, "n_sizes", { NerveC.nerve_create(&net, sizes, -5, sigmoid, 0, 1) }),
            (NERVE_E_SIZE, "sizes", { NerveC.nerve_create(&net, [2, 0, 1], 3, sigmoid, 0, 1) }),
            (NERVE_E_INVALID, "activations", { NerveC.nerve_create(&net, sizes, 3, [0, 8], 0, 1) }),
            (NERVE_E_INVALID, "cost", { NerveC.nerve_create(&net, sizes, 3, sigmoid, 4, 1) }),
            (NERVE_E_UNSUPPORTED, "softmax", {
                NerveC.nerve_create(&net, sizes, 3, [0, Int32(NERVE_ACT_SOFTMAX.rawValue)], Int32(NERVE_COST_CROSS_ENTROPY.rawValue), 1)
            }),
        ]
        for (expected, mention, call) in cases {
            #expect(call() == expected, "expected \(expected) about \(mention)")
            #expect(CEntryPointTests.lastError().contains(mention), "message: \(CEntryPointTests.lastError())")
        }
        // A failed call leaves *out alone.
        #expect(net == OpaquePointer(bitPattern: 0x1234))
    }

    @Test func predictionMatchesTheHandComputedNetwork() {
        let net = CEntryPointTests.handNetwork()
        defer { NerveC.nerve_free(net) }
        let ln3 = Float(log(3.0))
        #expect(NerveC.nerve_set_layer(net, 0, [0.5, -0.25, 1, -0.5], 4, [0, ln3], 2) == NERVE_OK)
        #expect(NerveC.nerve_set_layer(net, 1, [2, -4], 2, [2 - ln3], 1) == NERVE_OK)
        var out: [Float] = [.nan]
        #expect(NerveC.nerve_predict(net, [1, 2], 1, &out, 1) == NERVE_OK)
        #expect(abs(out[0] - 0.25) < 1e-6)
        #expect(NerveC.nerve_input_size(net) == 2 && NerveC.nerve_output_size(net) == 1)
    }

    @Test func predictRefusesBadArguments() {
        let net = CEntryPointTests.handNetwork()
        defer { NerveC.nerve_free(net) }
        var out = [Float](repeating: 0, count: 4)
        let x: [Float] = [1, 2, 3, 4]
        #expect(NerveC.nerve_predict(nil, x, 2, &out, 4) == NERVE_E_INVALID)
        #expect(NerveC.nerve_predict(net, nil, 2, &out, 4) == NERVE_E_INVALID)
        #expect(NerveC.nerve_predict(net, x, 2, nil, 4) == NERVE_E_INVALID)
        #expect(NerveC.nerve_predict(net, x, 0, &out, 4) == NERVE_E_SIZE)
        #expect(NerveC.nerve_predict(net, x, -1, &out, 4) == NERVE_E_SIZE)
        #expect(NerveC.nerve_predict(net, x, 2, &out, 1) == NERVE_E_CAPACITY)
        #expect(CEntryPointTests.lastError().contains("2"), "the needed size is in the message")
        #expect(NerveC.nerve_predict(net, [1, .nan], 1, &out, 4) == NERVE_E_INVALID)
        #expect(!CEntryPointTests.lastError().isEmpty)
        #expect(NerveC.nerve_input_size(nil) == 0 && NerveC.nerve_cost(nil) == -1)
        NerveC.nerve_free(nil)
    }

    @Test func trainRefusesBadArgumentsAndStopsOnRequest() {
        let net = CEntryPointTests.handNetwork()
        defer { NerveC.nerve_free(net) }
        let x: [Float] = [0, 0, 0, 1, 1, 0, 1, 1], y: [Float] = [0, 1, 1, 0]
        var options = nerve_train_options()
        NerveC.nerve_train_options_init(&options)
        #expect(options.struct_size == UInt32(MemoryLayout<nerve_train_options>.size))
        #expect(options.epochs == 10 && options.batch_size == 10 && options.learning_rate == 0.1)

        var broken = options
        broken.struct_size = 0
        #expect(NerveC.nerve_train(net, x, y, 4, nil, nil, 0, &broken) == NERVE_E_INVALID)
        #expect(CEntryPointTests.lastError().contains("struct_size"))
        broken = options
        broken.epochs = 0
        #expect(NerveC.nerve_train(net, x, y, 4, nil, nil, 0, &broken) == NERVE_E_INVALID)
        broken = options
        broken.optimizer = 9
        #expect(NerveC.nerve_train(net, x, y, 4, nil, nil, 0, &broken) == NERVE_E_INVALID)
        #expect(NerveC.nerve_train(net, x, nil, 4, nil, nil, 0, &options) == NERVE_E_INVALID)
        #expect(NerveC.nerve_train(net, x, y, 0, nil, nil, 0, &options) == NERVE_E_SIZE)
        #expect(NerveC.nerve_train(net, x, y, 4, nil, nil, -1, &options) == NERVE_E_SIZE)
        #expect(NerveC.nerve_train(net, x, [0, 1, .infinity, 0], 4, nil, nil, 0, &options) == NERVE_E_INVALID)

        // The callback's non-zero return ends training after that epoch.
        var epochs: Int32 = 0
        options.epochs = 100
        options.progress = { report, user in
            user!.assumingMemoryBound(to: Int32.self).pointee = report!.pointee.epoch
            return report!.pointee.epoch == 2 ? 1 : 0
        }
        let status = withUnsafeMutablePointer(to: &epochs) { counter in
            options.user_data = UnsafeMutableRawPointer(counter)
            return NerveC.nerve_train(net, x, y, 4, nil, nil, 0, &options)
        }
        #expect(status == NERVE_STOPPED)
        #expect(epochs == 2)
    }

    @Test func trainingAStepNetworkIsUnsupported() {
        var net: OpaquePointer?
        #expect(NerveC.nerve_create(&net, [2, 1], 2, [Int32(NERVE_ACT_STEP.rawValue)], Int32(NERVE_COST_QUADRATIC.rawValue), 1) == NERVE_OK)
        defer { NerveC.nerve_free(net) }
        #expect(NerveC.nerve_train(net, [0, 1], [1], 1, nil, nil, 0, nil) == NERVE_E_UNSUPPORTED)
        #expect(CEntryPointTests.lastError().contains("step"))
    }

    @Test func loadingRefusesMissingAndCorruptModels() {
        var net: OpaquePointer?
        #expect(NerveC.nerve_load("/nonexistent/dir/model.nerve", &net) == NERVE_E_IO)
        #expect(!CEntryPointTests.lastError().isEmpty)
        #expect(NerveC.nerve_load(nil, &net) == NERVE_E_INVALID)
        let garbage = [UInt8](repeating: 0x4E, count: 200)
        #expect(NerveC.nerve_load_from_memory(garbage, garbage.count, &net) == NERVE_E_FORMAT)
        #expect(NerveC.nerve_load_from_memory(nil, 10, &net) == NERVE_E_INVALID)
        #expect(net == nil)

        // A memory round trip through the C calls, and a buffer one byte short.
        let original = CEntryPointTests.handNetwork()
        defer { NerveC.nerve_free(original) }
        var size = 0, written = 0
        #expect(NerveC.nerve_serialized_size(original, &size) == NERVE_OK)
        var buffer = [UInt8](repeating: 0, count: size)
        #expect(NerveC.nerve_save_to_memory(original, &buffer, size - 1, &written) == NERVE_E_CAPACITY)
        #expect(NerveC.nerve_save_to_memory(original, &buffer, size, &written) == NERVE_OK && written == size)
        var copy: OpaquePointer?
        #expect(NerveC.nerve_load_from_memory(buffer, size, &copy) == NERVE_OK)
        defer { NerveC.nerve_free(copy) }
        var a = [Float](repeating: 0, count: 4), b = a
        #expect(NerveC.nerve_get_layer(original, 0, &a, 4, nil, 0) == NERVE_OK)
        #expect(NerveC.nerve_get_layer(copy, 0, &b, 4, nil, 0) == NERVE_OK)
        #expect(bitIdentical(a, b))
    }

    @Test func statusStringsAreNamed() {
        for status in [NERVE_OK, NERVE_STOPPED, NERVE_E_INVALID, NERVE_E_SIZE, NERVE_E_UNSUPPORTED, NERVE_E_NOMEM,
                       NERVE_E_IO, NERVE_E_FORMAT, NERVE_E_BUSY, NERVE_E_DIVERGED, NERVE_E_CAPACITY] {
            let name = String(cString: NerveC.nerve_status_string(status))
            #expect(!name.isEmpty && name != "unknown status", "status \(status)")
        }
        #expect(String(cString: NerveC.nerve_status_string(nerve_status(rawValue: -1000))) == "unknown status")
        #expect(String(cString: NerveC.nerve_version()) == NERVE_VERSION_STRING)
    }
}
