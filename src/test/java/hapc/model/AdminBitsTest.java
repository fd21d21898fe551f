package hapc.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdminBitsTest {
    @ParameterizedTest(name = "0x{0} is {1} ({2})")
    @CsvSource({
            "00, READY, none",
            "01, MAINT, forced",
            "02, MAINT, inherited",
            "04, READY, none",        // config marker left after 'state ready'
            "05, MAINT, config",      // 'disabled' in the config
            "08, DRAIN, forced",
            "09, MAINT, forced",      // maint wins over drain
            "10, DRAIN, inherited",
            "18, DRAIN, forced",
            "20, MAINT, resolution",
            "0c, DRAIN, forced",
    })
    void theStateComesFromTheBitSet(String hex, AdminState state, String source) {
        AdminBits bits = new AdminBits(Integer.parseInt(hex, 16));
        assertEquals(state, bits.state());
        assertEquals(source, bits.source());
    }

    @ParameterizedTest
    @CsvSource({"0, READY, false", "8, READY, true", "1, READY, true", "4, READY, false", "5, READY, true",
            "0, DRAIN, true", "8, DRAIN, false", "9, DRAIN, true", "16, DRAIN, true",
            "0, MAINT, true", "1, MAINT, false", "8, MAINT, true", "2, MAINT, true", "2, READY, false"})
    void onlyForcedBitsDecideWhetherAChangeIsNeeded(int bits, AdminState wanted, boolean needed) {
        assertEquals(needed, new AdminBits(bits).needsChangeTo(wanted));
    }

    @ParameterizedTest
    @CsvSource({"0, DRAIN, 8", "9, DRAIN, 8", "8, READY, 0", "5, READY, 4", "8, MAINT, 1", "24, MAINT, 17", "2, READY, 2"})
    void predictsTheBitsHaproxyWillHold(int before, AdminState wanted, int after) {
        assertEquals(after, new AdminBits(before).after(wanted).value());
    }

    @ParameterizedTest
    @CsvSource({"0, 1", "1, 2"})
    void bitTest(int value, int bit) {
        assertFalse(new AdminBits(value).has(bit));
        assertTrue(new AdminBits(value | bit).has(bit));
    }
}
