import Testing
@testable import Nerve
@testable import NerveC

/// The input scan refuses every non-finite value wherever it sits (vector body or tail) and names its index,
/// and lets every finite value through, the extremes included.
@Suite struct FiniteCheckTests {
    static let nonFinite: [Float] = [.nan, -.nan, .infinity, -.infinity, .signalingNaN,
                                     Float(bitPattern: 0x7F80_0001), Float(bitPattern: 0xFFFF_FFFF)]
    static let extremes: [Float] = [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
                                    -.leastNormalMagnitude, 0, -0.0, Float(bitPattern: 0x7F7F_FFFF)]

    @Test func everyPositionAndKind() {
        for count in 1...37 {
            var values = (0..<count).map { Float($0) - 10 }
            for (k, extreme) in FiniteCheckTests.extremes.enumerated() { values[k % count] = extreme }
            #expect((try? values.withUnsafeBufferPointer { try Check.finite($0.baseAddress!, count, "x") }) != nil,
                    "\(count) finite values refused")
            for position in 0..<count {
                for bad in FiniteCheckTests.nonFinite {
                    var copy = values
                    copy[position] = bad
                    let message = thrownMessage { try copy.withUnsafeBufferPointer { try Check.finite($0.baseAddress!, count, "x") } }
                    #expect(message?.contains("x[\(position)]") == true, "\(bad) at \(position) of \(count): \(message ?? "accepted")")
                }
            }
        }
    }

    func thrownMessage(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as NerveError { return error.message } catch { return "\(error)" }
        return nil
    }
}
