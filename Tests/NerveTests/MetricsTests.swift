import Foundation
import Testing
@testable import Nerve

/// Cost and accuracy as the header defines them: argmax agreement for softmax outputs, per-output agreement after
/// rounding at ½ for the rest; costs are means over samples, and reports add the regularisation term.
@Suite struct MetricsTests {
    static func metrics(_ a: [Float], _ y: [Float], columns: Int, cost: Cost, activation: Activation) -> Metrics {
        var m = Metrics()
        m.add(outputs: a, targets: y, rows: a.count / columns, columns: columns, cost: cost, activation: activation)
        return m
    }

    /// Rows' argmaxes 1, 0, 2 against targets 1, 1, 2: two of three right; cost −(ln 0.7 + ln 0.3 + ln 0.6)/3.
    @Test func softmaxAccuracyIsArgmaxAgreement() {
        let m = MetricsTests.metrics([0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6], [0, 1, 0, 0, 1, 0, 0, 0, 1],
                                     columns: 3, cost: .logLikelihood, activation: .softmax)
        #expect(close(m.accuracy, 2.0 / 3, absolute: 1e-12))
        #expect(close(m.cost, -(log(0.7) + log(0.3) + log(0.6)) / 3, absolute: 1e-6))
    }

    /// 0.2↔0 right, 0.6↔1 right, 0.5↔0 wrong (½ rounds up), 0.49↔1 wrong: two of four outputs.
    @Test func otherOutputsAreRoundedOneByOne() {
        let m = MetricsTests.metrics([0.2, 0.6, 0.5, 0.49], [0, 1, 0, 1], columns: 2, cost: .crossEntropy, activation: .sigmoid)
        #expect(m.accuracy == 0.5)
        #expect(m.samples == 2)
        let linear = MetricsTests.metrics([-3, 0.7, 2], [0, 1, 1], columns: 1, cost: .quadratic, activation: .linear)
        #expect(linear.accuracy == 1)
        #expect(close(linear.cost, (9 + 0.09 + 1) / 2 / 3, absolute: 1e-6))
    }

    /// A full pass after the epoch measures the trained weights: the reference's cost of the final parameters plus
    /// ½(λ₂/n)Σw², and the fraction of rounded outputs that match.
    @Test func fullMonitoringMeasuresTheEpochsResult() throws {
        let task = InvertedEvaluationTask()
        let network = try task.network()
        let reference = ReferenceNetwork(network)
        var options = task.options(epochs: 3)
        options.monitoring = .full
        options.l2 = 0.5
        let (_, reports) = try network.train(task.training, evaluation: task.evaluation, options: options)
        let p = network.parameterValues.map(Double.init)
        let regularisation = reference.regularisation(p, l2: 0.5, l1: 0, n: task.training.count)
        #expect(regularisation > 1e-3)
        let last = reports.last!
        #expect(close(Double(last.trainCost), reference.meanCost(p, task.training) + regularisation, absolute: 1e-5, relative: 1e-5))
        #expect(close(Double(last.evalCost), reference.meanCost(p, task.evaluation) + regularisation, absolute: 1e-5, relative: 1e-5))
        var right = 0
        for r in 0..<task.training.count {
            right += (reference.output(p, input: task.training.input(r))[0] >= 0.5) == (task.training.y[r] == 1) ? 1 : 0
        }
        #expect(last.trainAccuracy == Float(right) / Float(task.training.count))
        #expect(close(Double(last.evalAccuracy), 1 - Double(right) / Double(task.training.count), absolute: 1e-7))
        #expect(last.seconds >= 0)
    }

    /// Running monitoring of a single full batch sees the outputs before that batch's step.
    @Test func runningMonitoringUsesTheOutputsAsTrained() throws {
        let task = InvertedEvaluationTask()
        let network = try task.network()
        let before = network.parameterValues.map(Double.init)
        var options = task.options(epochs: 1)
        options.monitoring = .running
        let (_, reports) = try network.train(task.training, options: options)
        #expect(close(Double(reports[0].trainCost), ReferenceNetwork(network).meanCost(before, task.training),
                      absolute: 1e-5, relative: 1e-5))
        #expect(reports[0].evalCost.isNaN && reports[0].evalAccuracy.isNaN)
    }

    @Test func nothingMeasuredIsNaN() throws {
        let task = InvertedEvaluationTask()
        let (_, reports) = try task.network().train(task.training, options: task.options(epochs: 2))
        #expect(reports.map(\.epoch) == [1, 2])
        #expect(reports.allSatisfy { $0.trainCost.isNaN && $0.trainAccuracy.isNaN && $0.evalCost.isNaN })
    }
}
