// Tests which JVMs get the engine's native-heap trimming flag: a flag a JVM does not know stops it starting.
package hearth.install;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LaunchTest {
    @Test
    void trimsNativeHeap_onlyWhereTheFlagExists() {
        assertEquals(false, Launch.trimsNativeHeap(Runtime.Version.parse("17.0.8")));
        assertEquals(true, Launch.trimsNativeHeap(Runtime.Version.parse("17.0.9")));
        assertEquals(false, Launch.trimsNativeHeap(Runtime.Version.parse("20.0.2")));
        assertEquals(false, Launch.trimsNativeHeap(Runtime.Version.parse("21")));
        assertEquals(true, Launch.trimsNativeHeap(Runtime.Version.parse("21.0.1")));
        assertEquals(true, Launch.trimsNativeHeap(Runtime.Version.parse("22")));
        assertEquals(true, Launch.trimsNativeHeap(Runtime.Version.parse("25.0.1+8")));
    }
}
