import Testing
@testable import Nerve

/// Inverted dropout: each hidden unit is kept with probability 1 − p and then scaled by 1/(1 − p), so the expected
/// activation is unchanged; the output layer is never dropped; a dropped unit passes no gradient.
@Suite struct DropoutTests {
    /// A 1 → 1 → 1 linear network trained on one sample (x = 1, target y) with SGD, one step per epoch. Before a
    /// step, with parameters (w, b, v, c), hidden h = w + b and mask factor m ∈ {0, s}, s = 1/(1 − p):
    ///   a = v·m·h + c,   and the step moves  c by −η(a − y),  v by −η(a − y)·m·h,  w and b by −η(a − y)·v·m.
    /// So each epoch's change in c reveals a, and thereby whether the unit was kept.
    @Test(arguments: [Float(0.5), 0.2])
    func maskIsScaledToKeepTheExpectedActivation(p: Float) throws {
        let network = try Network(sizes: [1, 1, 1], activations: [.linear, .linear], cost: .quadratic, seed: 31)
        network.setParameters([0.8, 0.3, 1.5, 0.25])
        // y at the no-dropout output keeps the parameters wandering near where they started.
        let y: Float = 1.9, eta = 1e-3, s = 1 / (1 - Double(p))
        let sample = Dataset(x: [1], y: [y], inputs: 1, outputs: 1)
        var options = TrainingOptions()
        options.epochs = 10_000
        options.batchSize = 1
        options.learningRate = Float(eta)
        options.dropout = p
        options.monitoring = .none

        var previous = network.parameterValues.map(Double.init)
        var keptCount = 0, outputSum = 0.0, expectedSum = 0.0, unexplained = 0
        try network.train(sample, options: options) { _, net in
            let now = net.parameterValues.map(Double.init)
            defer { previous = now }
            let (w, b, v, c) = (previous[0], previous[1], previous[2], previous[3])
            let h = w + b
            let a = (previous[3] - now[3]) / eta + Double(y)
            let kept = v * s * h + c
            expectedSum += v * h + c
            outputSum += a
            if close(a, kept, absolute: 1e-3) {
                keptCount += 1
                let error = kept - Double(y)
                if !close(now[2], v - eta * error * s * h, absolute: 1e-6) || !close(now[0], w - eta * error * v * s, absolute: 1e-6)
                    || !close(now[1], b - eta * error * v * s, absolute: 1e-6) { unexplained += 1 }
            } else if close(a, c, absolute: 1e-3) {
                // Dropped: nothing upstream of the mask moves.
                if now[0] != w || now[1] != b || now[2] != v { unexplained += 1 }
            } else {
                unexplained += 1
            }
            return true
        }
        #expect(unexplained == 0, "epochs whose update fits neither a kept nor a dropped unit")
        let trials = Double(options.epochs)
        // Binomial(10 000, 1 − p): five standard errors are at most 0.025.
        #expect(abs(Double(keptCount) / trials - (1 - Double(p))) < 0.025, "kept \(keptCount)")
        // a takes two values about 1.65·s apart, so the mean's standard error is at most 0.017.
        #expect(abs(outputSum / trials - expectedSum / trials) < 0.085)
    }

    /// A half-plane task learned with p = 0.5 on the hidden layer; prediction never drops units.
    @Test func trainingWithDropoutStillLearns() throws {
        var random = SplitMix(state: 5)
        func halfPlane(_ count: Int) -> Dataset {
            let x = random.uniforms(count * 2, -1, 1)
            let y = stride(from: 0, to: x.count, by: 2).map { x[$0] + 0.5 * x[$0 + 1] > 0 ? Float(1) : 0 }
            return Dataset(x: x, y: y, inputs: 2, outputs: 1)
        }
        let training = halfPlane(200), test = halfPlane(200)
        let network = try Network(sizes: [2, 32, 1], activations: [.relu, .sigmoid], cost: .crossEntropy, seed: 12)
        var options = TrainingOptions()
        options.epochs = 60
        options.batchSize = 10
        options.learningRate = 0.2
        options.dropout = 0.5
        try network.train(training, options: options)

        let outputs = try network.predictions(test)
        let correct = zip(outputs, test.y).filter { ($0 >= 0.5) == ($1 == 1) }.count
        #expect(correct >= 190, "\(correct) of 200 held-out points right")
        #expect(bitIdentical(try network.predictions(test), outputs))
    }
}
