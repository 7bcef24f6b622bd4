import CNerveABI
import CNerveKernels

// The _r twins: each runs its namesake and copies the outcome into the caller's nerve_error. The whole call,
// message included, happens on one thread, so a goroutine or virtual thread that moves between calls still
// gets its own message.

/// Runs `call` and, if the caller passed a nerve_error, copies the status and this call's message into it.
@inline(__always)
func reporting(to error: UnsafeMutablePointer<nerve_error>?, _ call: () -> nerve_status) -> nerve_status {
    let failuresBefore = nerve_message_failures()
    let status = call()
    guard let error else { return status }
    error.pointee.status = status
    error.pointee.length = withUnsafeMutableBytes(of: &error.pointee.message) { bytes in
        guard let text = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else { return 0 }
        guard status.rawValue < 0 else {
            text[0] = 0
            return 0
        }
        if nerve_message_failures() == failuresBefore {
            // Every failure path sets a message; should one not, the status's name still says what failed.
            LastError.set(String(cString: nerve_status_string(status)))
        }
        return UInt32(nerve_message_copy(text, bytes.count))
    }
    return status
}

@_cdecl("nerve_enum_value_r")
public func nerve_enum_value_r(_ enumeration: Int32, _ name: UnsafePointer<CChar>?,
                               _ value: UnsafeMutablePointer<Int32>?,
                               _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_enum_value(enumeration, name, value) }
}

@_cdecl("nerve_create_r")
public func nerve_create_r(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ sizes: UnsafePointer<Int32>?,
                           _ nSizes: Int32, _ activations: UnsafePointer<Int32>?, _ cost: Int32, _ seed: UInt64,
                           _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_create(out, sizes, nSizes, activations, cost, seed) }
}

@_cdecl("nerve_clone_r")
public func nerve_clone_r(_ net: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                          _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_clone(net, out) }
}

@_cdecl("nerve_reinit_r")
public func nerve_reinit_r(_ net: OpaquePointer?, _ initialization: Int32, _ seed: UInt64,
                           _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_reinit(net, initialization, seed) }
}

@_cdecl("nerve_initialize_r")
public func nerve_initialize_r(_ net: OpaquePointer?, _ weights: Int32, _ biases: Int32, _ biasValue: Float,
                               _ seed: UInt64, _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_initialize(net, weights, biases, biasValue, seed) }
}

@_cdecl("nerve_create_layers_r")
public func nerve_create_layers_r(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ inputShape: UnsafePointer<Int32>?,
                                  _ layers: UnsafePointer<nerve_layer_spec>?, _ nLayers: Int32, _ specSize: Int,
                                  _ cost: Int32, _ seed: UInt64,
                                  _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_create_layers(out, inputShape, layers, nLayers, specSize, cost, seed) }
}

@_cdecl("nerve_get_layer_spec_r")
public func nerve_get_layer_spec_r(_ net: OpaquePointer?, _ layer: Int32,
                                   _ spec: UnsafeMutablePointer<nerve_layer_spec>?, _ specSize: Int,
                                   _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_get_layer_spec(net, layer, spec, specSize) }
}

@_cdecl("nerve_layer_parameter_count_r")
public func nerve_layer_parameter_count_r(_ net: OpaquePointer?, _ layer: Int32,
                                          _ weights: UnsafeMutablePointer<Int64>?,
                                          _ biases: UnsafeMutablePointer<Int64>?,
                                          _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_layer_parameter_count(net, layer, weights, biases) }
}

@_cdecl("nerve_set_threads_r")
public func nerve_set_threads_r(_ net: OpaquePointer?, _ threads: Int32,
                                _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_set_threads(net, threads) }
}

@_cdecl("nerve_layer_info_r")
public func nerve_layer_info_r(_ net: OpaquePointer?, _ layer: Int32, _ inputs: UnsafeMutablePointer<Int32>?,
                               _ outputs: UnsafeMutablePointer<Int32>?, _ activation: UnsafeMutablePointer<Int32>?,
                               _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_layer_info(net, layer, inputs, outputs, activation) }
}

@_cdecl("nerve_layer_shape_r")
public func nerve_layer_shape_r(_ net: OpaquePointer?, _ layer: Int32, _ kind: UnsafeMutablePointer<Int32>?,
                                _ input: UnsafeMutablePointer<Int32>?, _ output: UnsafeMutablePointer<Int32>?,
                                _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_layer_shape(net, layer, kind, input, output) }
}

@_cdecl("nerve_get_layer_r")
public func nerve_get_layer_r(_ net: OpaquePointer?, _ layer: Int32, _ weights: UnsafeMutablePointer<Float>?,
                              _ weightsCapacity: Int64, _ biases: UnsafeMutablePointer<Float>?,
                              _ biasesCapacity: Int64, _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_get_layer(net, layer, weights, weightsCapacity, biases, biasesCapacity) }
}

@_cdecl("nerve_set_layer_r")
public func nerve_set_layer_r(_ net: OpaquePointer?, _ layer: Int32, _ weights: UnsafePointer<Float>?,
                              _ weightsCount: Int64, _ biases: UnsafePointer<Float>?, _ biasesCount: Int64,
                              _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_set_layer(net, layer, weights, weightsCount, biases, biasesCount) }
}

@_cdecl("nerve_get_parameters_r")
public func nerve_get_parameters_r(_ net: OpaquePointer?, _ out: UnsafeMutablePointer<Float>?, _ capacity: Int64,
                                   _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_get_parameters(net, out, capacity) }
}

@_cdecl("nerve_set_parameters_r")
public func nerve_set_parameters_r(_ net: OpaquePointer?, _ values: UnsafePointer<Float>?, _ count: Int64,
                                   _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_set_parameters(net, values, count) }
}

@_cdecl("nerve_cost_gradient_r")
public func nerve_cost_gradient_r(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                                  _ n: Int64, _ l2: Float, _ l1: Float, _ cost: UnsafeMutablePointer<Double>?,
                                  _ gradient: UnsafeMutablePointer<Float>?, _ gradientCapacity: Int64,
                                  _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_cost_gradient(net, x, y, n, l2, l1, cost, gradient, gradientCapacity) }
}

@_cdecl("nerve_gradient_norms_r")
public func nerve_gradient_norms_r(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                                   _ n: Int64, _ weightNorms: UnsafeMutablePointer<Double>?,
                                   _ biasNorms: UnsafeMutablePointer<Double>?, _ count: Int32,
                                   _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_gradient_norms(net, x, y, n, weightNorms, biasNorms, count) }
}

@_cdecl("nerve_check_gradient_r")
public func nerve_check_gradient_r(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                                   _ n: Int64, _ epsilon: Double, _ indices: UnsafePointer<Int64>?,
                                   _ indexCount: Int64, _ maxDifference: UnsafeMutablePointer<Double>?,
                                   _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_check_gradient(net, x, y, n, epsilon, indices, indexCount, maxDifference) }
}

@_cdecl("nerve_train_r")
public func nerve_train_r(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?, _ n: Int64,
                          _ evalX: UnsafePointer<Float>?, _ evalY: UnsafePointer<Float>?, _ evalN: Int64,
                          _ opts: UnsafePointer<nerve_train_options>?,
                          _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_train(net, x, y, n, evalX, evalY, evalN, opts) }
}

@_cdecl("nerve_predict_r")
public func nerve_predict_r(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ n: Int64,
                            _ out: UnsafeMutablePointer<Float>?, _ outCapacity: Int64,
                            _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_predict(net, x, n, out, outCapacity) }
}

@_cdecl("nerve_evaluate_r")
public func nerve_evaluate_r(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                             _ n: Int64, _ cost: UnsafeMutablePointer<Float>?,
                             _ accuracy: UnsafeMutablePointer<Float>?,
                             _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_evaluate(net, x, y, n, cost, accuracy) }
}

@_cdecl("nerve_save_r")
public func nerve_save_r(_ net: OpaquePointer?, _ path: UnsafePointer<CChar>?,
                         _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_save(net, path) }
}

@_cdecl("nerve_load_r")
public func nerve_load_r(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                         _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_load(path, out) }
}

@_cdecl("nerve_serialized_size_r")
public func nerve_serialized_size_r(_ net: OpaquePointer?, _ outSize: UnsafeMutablePointer<Int>?,
                                    _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_serialized_size(net, outSize) }
}

@_cdecl("nerve_save_to_memory_r")
public func nerve_save_to_memory_r(_ net: OpaquePointer?, _ buffer: UnsafeMutableRawPointer?, _ capacity: Int,
                                   _ written: UnsafeMutablePointer<Int>?,
                                   _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_save_to_memory(net, buffer, capacity, written) }
}

@_cdecl("nerve_load_from_memory_r")
public func nerve_load_from_memory_r(_ buffer: UnsafeRawPointer?, _ size: Int,
                                     _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                     _ error: UnsafeMutablePointer<nerve_error>?) -> nerve_status {
    reporting(to: error) { nerve_load_from_memory(buffer, size, out) }
}
