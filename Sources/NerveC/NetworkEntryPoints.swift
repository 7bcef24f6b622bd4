import CNerveABI
import Nerve

@_cdecl("nerve_create")
public func nerve_create(_ out: UnsafeMutablePointer<OpaquePointer?>?, _ sizes: UnsafePointer<Int32>?,
                         _ sizeCount: Int32, _ activations: UnsafePointer<Int32>?, _ cost: Int32,
                         _ seed: UInt64) -> nerve_status {
    guarded("nerve_create") {
        let out = try Check.pointer(out, "out")
        let sizes = try Check.pointer(sizes, "sizes")
        let activations = try Check.pointer(activations, "activations")
        guard sizeCount >= 2, sizeCount <= Int32(Network.maxLayers + 1) else {
            throw NerveError.size("n_sizes must be 2 to \(Network.maxLayers + 1), got \(sizeCount)")
        }
        let widths = try (0..<Int(sizeCount)).map { i -> Int in
            guard sizes[i] >= 1, Int(sizes[i]) <= Network.maxLayerWidth else {
                throw NerveError.size("sizes[\(i)] = \(sizes[i]); sizes must be 1 to \(Network.maxLayerWidth)")
            }
            return Int(sizes[i])
        }
        let kinds = try (0..<Int(sizeCount) - 1).map { i -> Activation in
            guard let kind = Activation(rawValue: activations[i]) else {
                throw NerveError.invalid("activations[\(i)] = \(activations[i]) is not a NERVE_ACT_* value")
            }
            return kind
        }
        let costKind = try Check.enumValue(cost, Cost.self, "cost")
        out.pointee = NetworkHandle.publish(try Network(sizes: widths, activations: kinds, cost: costKind, seed: seed))
        return NERVE_OK
    }
}

@_cdecl("nerve_free")
public func nerve_free(_ net: OpaquePointer?) {
    NetworkHandle.release(net)
}

@_cdecl("nerve_clone")
public func nerve_clone(_ net: OpaquePointer?, _ out: UnsafeMutablePointer<OpaquePointer?>?) -> nerve_status {
    guarded("nerve_clone") {
        let handle = try NetworkHandle.resolve(net)
        let out = try Check.pointer(out, "out")
        let twin = try handle.access.reading { try handle.network.copy() }
        out.pointee = NetworkHandle.publish(twin)
        return NERVE_OK
    }
}

@_cdecl("nerve_reinit")
public func nerve_reinit(_ net: OpaquePointer?, _ initialization: Int32, _ seed: UInt64) -> nerve_status {
    guarded("nerve_reinit") {
        let handle = try NetworkHandle.resolve(net)
        let scheme = try Check.enumValue(initialization, WeightInit.self, "init")
        try handle.modifying("reinitialise") { handle.network.initialize(scheme, seed: seed) }
        return NERVE_OK
    }
}

@_cdecl("nerve_initialize")
public func nerve_initialize(_ net: OpaquePointer?, _ weights: Int32, _ biases: Int32, _ biasValue: Float,
                             _ seed: UInt64) -> nerve_status {
    guarded("nerve_initialize") {
        let handle = try NetworkHandle.resolve(net)
        let weightScheme = try Check.enumValue(weights, WeightInit.self, "weights")
        let biasScheme = try Check.enumValue(biases, BiasInit.self, "biases")
        guard biasValue.isFinite else { throw NerveError.invalid("bias_value is \(biasValue); it must be finite") }
        try handle.modifying("initialise") {
            handle.network.initialize(weightScheme, biases: biasScheme, biasValue: biasValue, seed: seed)
        }
        return NERVE_OK
    }
}

@_cdecl("nerve_set_threads")
public func nerve_set_threads(_ net: OpaquePointer?, _ threads: Int32) -> nerve_status {
    guarded("nerve_set_threads") {
        let handle = try NetworkHandle.resolve(net)
        guard threads >= 1, Int(threads) <= Network.maxThreads else {
            throw NerveError.invalid("threads must be 1 to \(Network.maxThreads), got \(threads)")
        }
        handle.network.threads = Int(threads)
        return NERVE_OK
    }
}

@_cdecl("nerve_threads")
public func nerve_threads(_ net: OpaquePointer?) -> Int32 {
    describe(net, otherwise: 0) { Int32($0.threads) }
}

/// Getters that cannot fail return a neutral value for a bad handle, as the header promises.
func describe<T>(_ net: OpaquePointer?, otherwise: T, _ body: (Network) -> T) -> T {
    withCallFrame {
        guard let handle = try? NetworkHandle.resolve(net) else { return otherwise }
        return body(handle.network)
    }
}

@_cdecl("nerve_input_size")
public func nerve_input_size(_ net: OpaquePointer?) -> Int32 {
    describe(net, otherwise: 0) { Int32($0.inputSize) }
}

@_cdecl("nerve_output_size")
public func nerve_output_size(_ net: OpaquePointer?) -> Int32 {
    describe(net, otherwise: 0) { Int32($0.outputSize) }
}

@_cdecl("nerve_layer_count")
public func nerve_layer_count(_ net: OpaquePointer?) -> Int32 {
    describe(net, otherwise: 0) { Int32($0.layers.count) }
}

@_cdecl("nerve_cost")
public func nerve_cost(_ net: OpaquePointer?) -> Int32 {
    describe(net, otherwise: -1) { $0.cost.rawValue }
}

@_cdecl("nerve_layer_info")
public func nerve_layer_info(_ net: OpaquePointer?, _ layer: Int32, _ inputs: UnsafeMutablePointer<Int32>?,
                             _ outputs: UnsafeMutablePointer<Int32>?, _ activation: UnsafeMutablePointer<Int32>?)
    -> nerve_status
{
    guarded("nerve_layer_info") {
        let described = try locate(net, layer).layer
        inputs?.pointee = Int32(described.inputs)
        outputs?.pointee = Int32(described.outputs)
        activation?.pointee = described.activation.rawValue
        return NERVE_OK
    }
}

@_cdecl("nerve_layer_shape")
public func nerve_layer_shape(_ net: OpaquePointer?, _ layer: Int32, _ kind: UnsafeMutablePointer<Int32>?,
                              _ input: UnsafeMutablePointer<Int32>?, _ output: UnsafeMutablePointer<Int32>?)
    -> nerve_status
{
    guarded("nerve_layer_shape") {
        let spec = try locate(net, layer).layer.spec
        kind?.pointee = spec.kind.rawValue
        for (target, shape) in [(input, spec.input), (output, spec.output)] {
            guard let target else { continue }
            // Shapes are at most maxLayerWidth values, so every dimension fits in Int32.
            target[0] = Int32(shape.channels)
            target[1] = Int32(shape.height)
            target[2] = Int32(shape.width)
        }
        return NERVE_OK
    }
}

/// A layer's place in its network: the handle, the index and the layer.
private func locate(_ net: OpaquePointer?, _ layer: Int32) throws
    -> (handle: NetworkHandle, index: Int, layer: any Layer)
{
    let handle = try NetworkHandle.resolve(net)
    let index = try Check.layer(layer, of: handle.network)
    return (handle, index, handle.network.layers[index])
}

/// A layer's block of parameters: how many weights and biases it holds.
private func layerBlock(_ net: OpaquePointer?, _ layer: Int32) throws
    -> (handle: NetworkHandle, index: Int, weights: Int, biases: Int)
{
    let (handle, index, described) = try locate(net, layer)
    return (handle, index, described.weightCount, described.parameterCount - described.weightCount)
}

@_cdecl("nerve_get_layer")
public func nerve_get_layer(_ net: OpaquePointer?, _ layer: Int32, _ weights: UnsafeMutablePointer<Float>?,
                            _ weightsCapacity: Int64, _ biases: UnsafeMutablePointer<Float>?,
                            _ biasesCapacity: Int64) -> nerve_status {
    guarded("nerve_get_layer") {
        let (handle, index, weightCount, biasCount) = try layerBlock(net, layer)
        if weights != nil { try Check.capacity(weightsCapacity, needed: weightCount, "weights") }
        if biases != nil { try Check.capacity(biasesCapacity, needed: biasCount, "biases") }
        handle.access.reading {
            let block = handle.network.parameters(ofLayer: index)
            weights?.update(from: block, count: weightCount)
            biases?.update(from: block + weightCount, count: biasCount)
        }
        return NERVE_OK
    }
}

@_cdecl("nerve_set_layer")
public func nerve_set_layer(_ net: OpaquePointer?, _ layer: Int32, _ weights: UnsafePointer<Float>?,
                            _ weightsCount: Int64, _ biases: UnsafePointer<Float>?, _ biasesCount: Int64)
    -> nerve_status
{
    guarded("nerve_set_layer") {
        let (handle, index, weightCount, biasCount) = try layerBlock(net, layer)
        if let weights {
            guard weightsCount == Int64(weightCount) else {
                throw NerveError.size("layer \(index) has \(weightCount) weights, weights_count is \(weightsCount)")
            }
            try Check.finite(weights, weightCount, "weights")
        }
        if let biases {
            guard biasesCount == Int64(biasCount) else {
                throw NerveError.size("layer \(index) has \(biasCount) biases, biases_count is \(biasesCount)")
            }
            try Check.finite(biases, biasCount, "biases")
        }
        try handle.modifying("set a layer") {
            let block = handle.network.parameters(ofLayer: index)
            if let weights { block.update(from: weights, count: weightCount) }
            if let biases { (block + weightCount).update(from: biases, count: biasCount) }
        }
        return NERVE_OK
    }
}
