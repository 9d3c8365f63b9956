// Tests which JVMs get the engine's native-heap trimming flag (a flag a JVM does not know stops it
// starting), and that only the engine's JVM loads the vector module (its warning goes to the client's log).
package hearth.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

    @Test
    void vectorModule_onlyForTheEngine() {
        assertFalse(Launch.flags(false, null).contains("--add-modules"), "a backend-calling server needs no incubator module");
        boolean jdkHasIt = java.lang.module.ModuleFinder.ofSystem().find(Launch.VECTOR_MODULE).isPresent();
        assertEquals(jdkHasIt, Launch.flags(true, null).contains(Launch.VECTOR_MODULE));
    }
}
