import CNerveABI
import Nerve

@_cdecl("nerve_get_parameters")
public func nerve_get_parameters(_ net: OpaquePointer?, _ out: UnsafeMutablePointer<Float>?,
                                 _ capacity: Int64) -> nerve_status {
    guarded("nerve_get_parameters") {
        let handle = try NetworkHandle.resolve(net)
        let out = try Check.pointer(out, "out")
        let network = handle.network
        try Check.capacity(capacity, needed: network.parameterCount, "out")
        handle.access.reading { out.update(from: network.parameters.base, count: network.parameterCount) }
        return NERVE_OK
    }
}

@_cdecl("nerve_set_parameters")
public func nerve_set_parameters(_ net: OpaquePointer?, _ values: UnsafePointer<Float>?,
                                 _ count: Int64) -> nerve_status {
    guarded("nerve_set_parameters") {
        let handle = try NetworkHandle.resolve(net)
        let values = try Check.pointer(values, "values")
        let network = handle.network
        guard count == Int64(network.parameterCount) else {
            throw NerveError.size("the network has \(network.parameterCount) parameters, count is \(count)")
        }
        try Check.finite(values, network.parameterCount, "values")
        try handle.modifying("set parameters") {
            network.parameters.base.update(from: values, count: network.parameterCount)
        }
        return NERVE_OK
    }
}

@_cdecl("nerve_cost_gradient")
public func nerve_cost_gradient(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                                _ n: Int64, _ l2: Float, _ l1: Float, _ cost: UnsafeMutablePointer<Double>?,
                                _ gradient: UnsafeMutablePointer<Float>?, _ gradientCapacity: Int64) -> nerve_status {
    guarded("nerve_cost_gradient") {
        let handle = try NetworkHandle.resolve(net)
        let network = handle.network
        guard l2.isFinite, l2 >= 0 else { throw NerveError.invalid("l2 must be finite and non-negative, got \(l2)") }
        guard l1.isFinite, l1 >= 0 else { throw NerveError.invalid("l1 must be finite and non-negative, got \(l1)") }
        let data = try samples(network, x, y, n, "x", "y", "n")
        if let gradient {
            try Check.capacity(gradientCapacity, needed: network.parameterCount, "gradient")
            try Check.disjoint(gradient, network.parameterCount, data.x, data.count * network.inputSize, "gradient", "x")
            try Check.disjoint(gradient, network.parameterCount, data.y, data.count * network.outputSize, "gradient", "y")
        }
        // Computed into a buffer of our own, so a failure leaves the caller's untouched.
        let computed = try gradient.map { _ in try FloatBuffer(count: network.parameterCount, zeroed: false) }
        let value = try handle.access.reading {
            try network.costAndGradient(of: data, l2: l2, l1: l1, gradient: computed?.base)
        }
        if let gradient, let computed { gradient.update(from: computed.base, count: computed.count) }
        cost?.pointee = value
        return NERVE_OK
    }
}

@_cdecl("nerve_gradient_norms")
public func nerve_gradient_norms(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                                 _ n: Int64, _ weightNorms: UnsafeMutablePointer<Double>?,
                                 _ biasNorms: UnsafeMutablePointer<Double>?, _ count: Int32) -> nerve_status {
    guarded("nerve_gradient_norms") {
        let handle = try NetworkHandle.resolve(net)
        let network = handle.network
        let data = try samples(network, x, y, n, "x", "y", "n")
        guard Int(count) >= network.layers.count else {
            throw NerveError.capacity("count is \(count) but the network has \(network.layers.count) layers")
        }
        let norms = try handle.access.reading { try network.gradientNorms(of: data) }
        for (l, value) in norms.weights.enumerated() { weightNorms?[l] = value }
        for (l, value) in norms.biases.enumerated() { biasNorms?[l] = value }
        return NERVE_OK
    }
}

@_cdecl("nerve_check_gradient")
public func nerve_check_gradient(_ net: OpaquePointer?, _ x: UnsafePointer<Float>?, _ y: UnsafePointer<Float>?,
                                 _ n: Int64, _ epsilon: Double, _ indices: UnsafePointer<Int64>?,
                                 _ indexCount: Int64, _ maxDifference: UnsafeMutablePointer<Double>?) -> nerve_status {
    guarded("nerve_check_gradient") {
        let handle = try NetworkHandle.resolve(net)
        let network = handle.network
        let out = try Check.pointer(maxDifference, "max_difference")
        let data = try samples(network, x, y, n, "x", "y", "n")
        guard epsilon.isFinite, epsilon > 0, epsilon <= 1 else {
            throw NerveError.invalid("epsilon must be in (0, 1], got \(epsilon)")
        }
        let count = indices == nil ? 0 : try Check.count(indexCount, "index_count", max: Check.maxElements)
        let index = indices.map { indices in { (i: Int) in Int(indices[i]) } }
        out.pointee = try handle.access.reading {
            try network.gradientCheck(of: data, epsilon: epsilon, count: count, index: index)
        }
        return NERVE_OK
    }
}
