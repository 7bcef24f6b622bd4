import Foundation
import Testing
@testable import Nerve

/// Cost and accuracy as the header defines them: the rule follows a data set's targets (argmax agreement for one-hot
/// rows, per-label agreement after rounding at ½ for other 0/1 targets, NaN for regression), decided once per data
/// set; costs are means over samples, and reports add the regularisation term.
@Suite struct MetricsTests {
    static func metrics(_ a: [Float], _ y: [Float], columns: Int, cost: Cost) -> Metrics {
        var m = Metrics()
        m.add(outputs: a, targets: y, rows: a.count / columns, columns: columns, cost: cost,
              rule: AccuracyRule(targets: y, rows: y.count / columns, columns: columns))
        return m
    }

    static func rule(_ y: [Float], columns: Int) -> AccuracyRule {
        AccuracyRule(targets: y, rows: y.count / columns, columns: columns)
    }

    @Test func theRuleFollowsEveryRowOfTheTargets() {
        #expect(MetricsTests.rule([0, 1, 0, 1, 0, 0], columns: 3) == .argmax)
        // One output is never one-hot: a single 0/1 label.
        #expect(MetricsTests.rule([1, 1, 0], columns: 1) == .perLabel)
        // Multi-label, an all-zero row, two 1s in a row: not one-hot, still labels.
        #expect(MetricsTests.rule([1, 1, 0, 0, 0, 1], columns: 3) == .perLabel)
        #expect(MetricsTests.rule([0, 1, 0, 0, 0, 0], columns: 3) == .perLabel)
        // One value other than 0 and 1 anywhere makes it regression, even after one-hot rows.
        #expect(MetricsTests.rule([0, 1, 0, 0, 0.5, 0.5], columns: 3) == .regression)
        #expect(MetricsTests.rule([2, 0, 0], columns: 3) == .regression)
        #expect(MetricsTests.rule([-1], columns: 1) == .regression)
    }

    /// A fixed choice overrides the targets; auto is the automatic rule.
    @Test func chosenRules() {
        let smoothed: [Float] = [0.9, 0.05, 0.05, 0.05, 0.9, 0.05]
        #expect(AccuracyRule.Choice.auto.rule(targets: smoothed, rows: 2, columns: 3) == .regression)
        #expect(AccuracyRule.Choice.argmax.rule(targets: smoothed, rows: 2, columns: 3) == .argmax)
        #expect(AccuracyRule.Choice.perLabel.rule(targets: smoothed, rows: 2, columns: 3) == .perLabel)
        let oneHot: [Float] = [1, 0, 0, 0, 1, 0]
        #expect(AccuracyRule.Choice.auto.rule(targets: oneHot, rows: 2, columns: 3) == .argmax)
        #expect(AccuracyRule.Choice.none.rule(targets: oneHot, rows: 2, columns: 3) == .regression)
    }

    /// Sigmoid outputs, one-hot targets. Argmax: row 0 picks 1 (right), row 1 picks 1 for 0 (wrong), row 2 picks 2
    /// (right), row 3 picks 0 (right): 3/4. Rounded one by one they would score 2/3, 2/3, 2/3, 1/3 = 7/12.
    @Test func oneHotTargetsAreScoredByArgmaxWhateverTheActivation() {
        let a: [Float] = [0.6, 0.7, 0.2, 0.3, 0.4, 0.1, 0.1, 0.2, 0.3, 0.9, 0.8, 0.7]
        let y: [Float] = [0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0]
        let m = MetricsTests.metrics(a, y, columns: 3, cost: .crossEntropy)
        #expect(m.accuracy == 0.75)
        #expect(m.trials == 4)
    }

    /// Rows' argmaxes 1, 0, 2 against targets 1, 1, 2: two of three right; cost −(ln 0.7 + ln 0.3 + ln 0.6)/3.
    @Test func softmaxAccuracyIsArgmaxAgreement() {
        let m = MetricsTests.metrics([0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6], [0, 1, 0, 0, 1, 0, 0, 0, 1],
                                     columns: 3, cost: .logLikelihood)
        #expect(close(m.accuracy, 2.0 / 3, absolute: 1e-12))
        #expect(close(m.cost, -(log(0.7) + log(0.3) + log(0.6)) / 3, absolute: 1e-6))
    }

    /// The first of equal largest outputs is the choice, as numpy's argmax: 0.4 = 0.4 picks 0, right for target 0
    /// and wrong for target 1.
    @Test func tiesGoToTheFirstLargestOutput() {
        let m = MetricsTests.metrics([0.4, 0.4, 0.2, 0.4, 0.4, 0.2], [1, 0, 0, 0, 1, 0], columns: 3, cost: .quadratic)
        #expect(m.accuracy == 0.5)
    }

    /// Not one-hot (row 1 has two 1s): labels one by one. 0.2↔0 right, 0.6↔1 right, 0.5↔1 right (½ rounds up),
    /// 0.49↔1 wrong: three of four labels.
    @Test func multiLabelTargetsAreRoundedOneByOne() {
        let m = MetricsTests.metrics([0.2, 0.6, 0.5, 0.49], [0, 1, 1, 1], columns: 2, cost: .crossEntropy)
        #expect(m.accuracy == 0.75)
        #expect(m.samples == 2 && m.trials == 4)
    }

    /// One output with 0/1 targets: 0.7↔1 right, 0.5↔0 wrong, 0.1↔0 right, 0.3↔1 wrong.
    @Test func oneBinaryOutputIsRoundedAtOneHalf() {
        let m = MetricsTests.metrics([0.7, 0.5, 0.1, 0.3], [1, 0, 0, 1], columns: 1, cost: .crossEntropy)
        #expect(m.accuracy == 0.5)
    }

    /// Regression targets have no accuracy; the cost is still ½Σ(a − y)²/n = ½(9 + 0.09 + 1)/3.
    @Test func regressionHasNoAccuracy() {
        let linear = MetricsTests.metrics([-3, 0.7, 2], [0, 1.6, 1], columns: 1, cost: .quadratic)
        #expect(linear.accuracy.isNaN && linear.trials == 0)
        #expect(close(linear.cost, (9 + 0.81 + 1) / 2 / 3, absolute: 1e-6))
    }

    /// A 3-3 sigmoid network with identity weights and zero biases gives σ(x): rounding follows the sign of x and
    /// argmax its order. On the rows of oneHotTargetsAreScoredByArgmaxWhateverTheActivation, as inputs:
    static let signs: [Float] = [0.4, 0.8, -1.4, -0.8, -0.4, -2.2, -2.2, -1.4, -0.8, 2.2, 1.4, 0.8]
    static let oneHot: [Float] = [0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0, 0]

    static func identityNetwork() throws -> Network {
        let network = try Network(sizes: [3, 3], activations: [.sigmoid], cost: .crossEntropy, seed: 1)
        network.setParameters([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0])
        return network
    }

    /// Training with a negligible rate keeps every sign and order above (margins ≥ 0.4): each data set of a run is
    /// scored by its own rule, in every monitoring mode.
    @Test(arguments: [Monitoring.running, .full])
    func reportsScoreEachDataSetByItsOwnRule(monitoring: Monitoring) throws {
        let training = Dataset(x: MetricsTests.signs, y: MetricsTests.oneHot, inputs: 3, outputs: 3)
        // Multi-label: rounded rows [1 1 0], [0 0 0], [0 0 0], [1 1 1] against these: 3 + 3 + 1 + 2 = 9 of 12.
        let labels = Dataset(x: MetricsTests.signs, y: [1, 1, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1], inputs: 3, outputs: 3)
        var regressionTargets = MetricsTests.oneHot
        regressionTargets[4] = 0.5
        let regression = Dataset(x: MetricsTests.signs, y: regressionTargets, inputs: 3, outputs: 3)
        var options = TrainingOptions()
        options.epochs = 1
        options.batchSize = 4
        options.learningRate = 1e-5
        options.shuffle = false
        options.monitoring = monitoring
        let (_, reports) = try MetricsTests.identityNetwork().train(training, evaluation: labels, options: options)
        #expect(reports[0].trainAccuracy == 0.75 && reports[0].evalAccuracy == 0.75)
        let (_, asRegression) = try MetricsTests.identityNetwork().train(regression, evaluation: regression,
                                                                        options: options)
        #expect(asRegression[0].trainAccuracy.isNaN && asRegression[0].evalAccuracy.isNaN)
        #expect(asRegression[0].trainCost.isFinite && asRegression[0].evalCost.isFinite)
    }

    /// Batches of two in order: the first holds one-hot rows 0 and 1, the second row 2 with target [0 0 0] and
    /// row 3. The set is not one-hot, so every batch is scored label by label: 2 + 2 + 3 + 1 = 8 of 12. Scoring the
    /// first batch by argmax would give (1 + 0 + 3 + 1)/(2 + 6).
    @Test func aMiniBatchCannotSwitchTheRule() throws {
        var y = MetricsTests.oneHot
        y[6...8] = [0, 0, 0]
        let training = Dataset(x: MetricsTests.signs, y: y, inputs: 3, outputs: 3)
        var options = TrainingOptions()
        options.epochs = 1
        options.batchSize = 2
        options.learningRate = 1e-5
        options.shuffle = false
        options.monitoring = .running
        let (_, reports) = try MetricsTests.identityNetwork().train(training, options: options)
        #expect(close(Double(reports[0].trainAccuracy), 8.0 / 12, absolute: 1e-7))
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
