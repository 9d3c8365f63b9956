package hearth.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import hearth.backend.ChatReply;
import java.util.Locale;
import org.junit.jupiter.api.Test;

// The stats line reads the same in every locale, and its numbers round as String.format would.
class ReportTest {
    @Test
    void fixed_rounds_halves_away_from_zero_like_string_format() {
        assertEquals("1.24", Report.fixed(1.24, 2));
        assertEquals("38.7", Report.fixed(38.66, 1));
        assertEquals("10.00", Report.fixed(9.999, 2));
        assertEquals("0.05", Report.fixed(0.05, 2));
        assertEquals("0.0", Report.fixed(0.04, 1));
        assertEquals("0.00", Report.fixed(-0.004, 2), "no negative zero");
        assertEquals("-1.5", Report.fixed(-1.5, 1));
        assertEquals("3", Report.fixed(2.5, 0));
        assertEquals("0.1235", Report.fixed(0.12345678, 4));
        assertEquals("12345678901.2", Report.fixed(12345678901.23, 1));
        assertEquals("NaN", Report.fixed(Double.NaN, 2));
        for (double v : new double[] {0.001, 0.126, 1.0 / 3, 2.675, 47.25, 1234.5678, -7.891}) {
            for (int digits = 0; digits <= 4; digits++) assertEquals(String.format(Locale.ROOT, "%." + digits + "f", v), Report.fixed(v, digits), v + " " + digits);
        }
    }

    @Test
    void stats_line_uses_a_dot_in_a_comma_locale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY);
        try {
            var reply = new ChatReply("m", "hi", null, false, 12L, 48L, 1.2449, 0.21, 38.66, "stop");
            assertEquals("Tokens: 12 prompt + 48 completion = 60 total | 1.24s | 38.7 tok/s | TTFT 0.21s", Report.stats(reply));
        } finally {
            Locale.setDefault(before);
        }
    }
}
