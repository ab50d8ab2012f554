package io.modularddd.cqrs;

import static org.assertj.core.api.Assertions.assertThat;

import io.modularddd.core.command.Command;
import io.modularddd.core.query.Query;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultTypesTest {

    record Direct() implements Command<Long> {
    }

    interface Returns<T> extends Command<T> {
    }

    record ThroughInterface() implements Returns<String> {
    }

    abstract static class Base<T> implements Query<List<T>> {
    }

    static final class Sub extends Base<Integer> {
    }

    record Open<T>() implements Query<T> {
    }

    record Nested() implements Query<Map<String, List<Long>>> {
    }

    @SuppressWarnings("rawtypes")
    record Raw() implements Command {
    }

    @Test
    void the_declared_result_is_found_directly_through_interfaces_and_superclasses() {
        assertThat(ResultTypes.declared(Direct.class, Command.class)).isEqualTo(Long.class);
        assertThat(ResultTypes.declared(ThroughInterface.class, Command.class)).isEqualTo(String.class);
        assertThat(ResultTypes.declared(Raw.class, Command.class)).isEqualTo(Object.class);

        Type sub = ResultTypes.declared(Sub.class, Query.class);
        assertThat(sub).isInstanceOf(ParameterizedType.class);
        assertThat(ResultTypes.checkable(sub)).isEqualTo(List.class);
    }

    @Test
    void concrete_types_can_be_decoded_and_type_variables_cannot() {
        Type open = ResultTypes.declared(Open.class, Query.class);
        assertThat(open).isInstanceOf(TypeVariable.class);
        assertThat(ResultTypes.concrete(open)).isFalse();
        assertThat(ResultTypes.checkable(open)).isNull();

        assertThat(ResultTypes.concrete(ResultTypes.declared(Nested.class, Query.class))).isTrue();
        assertThat(ResultTypes.checkable(Object.class)).isNull();
    }
}
