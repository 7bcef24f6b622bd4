import Testing
@testable import Nerve

/// The model file's checksum is the IEEE CRC-32 of zlib and PNG, checked on its standard test vectors and
/// against a bit-at-a-time implementation on arbitrary data.
@Suite struct CRC32Tests {
    static func checksum(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { CRC32.checksum($0) } }

    @Test func standardCheckValue() {
        #expect(CRC32Tests.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func otherKnownValues() {
        #expect(CRC32Tests.checksum([]) == 0)
        #expect(CRC32Tests.checksum(Array("The quick brown fox jumps over the lazy dog".utf8)) == 0x414F_A339)
        #expect(CRC32Tests.checksum([0]) == 0xD202_EF8D)
    }

    @Test func matchesBitwiseDefinition() {
        var random = SplitMix(state: 11)
        for length in [1, 7, 64, 1000] {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            #expect(CRC32Tests.checksum(bytes) == bitwiseCRC32(bytes))
        }
    }
}

/// CRC-32 one bit at a time from the reflected polynomial 0xEDB88320, with no table.
func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
    }
    return ~crc
}
