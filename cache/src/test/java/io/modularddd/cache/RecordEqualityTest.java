package io.modularddd.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordEqualityTest {

    record Generated(String a, int b, List<String> c) { }

    record Written(String a) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Written w && w.a.equalsIgnoreCase(a);
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    record WrittenFinal(String a) {
        @Override
        public final boolean equals(Object o) {
            return o == this;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    record OnlyHashCodeWritten(String a) {
        @Override
        public int hashCode() {
            return 7;
        }
    }

    record Empty() { }

    @Test
    void the_compilers_equals_is_recognised() {
        assertThat(RecordEquality.isGenerated(Generated.class)).isTrue();
        assertThat(RecordEquality.isGenerated(Empty.class)).isTrue();
        assertThat(RecordEquality.isGenerated(OnlyHashCodeWritten.class)).isTrue();
    }

    @Test
    void an_equals_written_by_hand_is_not_even_when_final() {
        assertThat(RecordEquality.isGenerated(Written.class)).isFalse();
        assertThat(RecordEquality.isGenerated(WrittenFinal.class)).isFalse();
    }

    @Test
    void classes_that_are_not_records_are_not() {
        assertThat(RecordEquality.isGenerated(String.class)).isFalse();
        assertThat(RecordEquality.isGenerated(RecordEqualityTest.class)).isFalse();
    }
}
