package io.modularddd.core.query;

import io.modularddd.core.ModularDddException;
import java.lang.reflect.Type;

/**
 * A query handler returned a value of another type than its query declares ({@code Query<R>}): a raw or
 * unchecked handler, usually. The value is neither returned nor cached.
 */
public class QueryResultTypeException extends ModularDddException {

    private static final long serialVersionUID = 1L;

    private final Class<?> queryType;
    private final String declared;
    private final Class<?> actual;

    /**
     * Creates the exception.
     *
     * @param queryType the query class
     * @param declared  the result type the query declares
     * @param actual    the class of the value the handler returned
     */
    public QueryResultTypeException(Class<?> queryType, Type declared, Class<?> actual) {
        super("the handler of query " + queryType.getName() + " returned a " + actual.getName() + " but "
                + queryType.getSimpleName() + " declares Query<" + declared.getTypeName() + ">; return a "
                + declared.getTypeName() + " or change the type the query declares");
        this.queryType = queryType;
        this.declared = declared.getTypeName();
        this.actual = actual;
    }

    /**
     * Returns the query class.
     *
     * @return the class
     */
    public Class<?> queryType() {
        return queryType;
    }

    /**
     * Returns the result type the query declares.
     *
     * @return the type's name, e.g. {@code java.util.List<com.example.AccountView>}
     */
    public String declaredType() {
        return declared;
    }

    /**
     * Returns the class of the value the handler returned.
     *
     * @return the class
     */
    public Class<?> actualType() {
        return actual;
    }
}
