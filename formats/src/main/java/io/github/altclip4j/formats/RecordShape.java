package io.github.altclip4j.formats;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;

/**
 * What the JSON binding needs of a record class, found by reflection once per class (an index reads and writes a
 * record per line): its components, their JSON field names, their accessors and its canonical constructor, all made
 * accessible (a module's package-private records are written and read too).
 */
final class RecordShape {
    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return new RecordShape(type);
        }
    };

    final RecordComponent[] components;
    final String[] names;
    final Method[] accessors;
    final Constructor<?> constructor;

    private RecordShape(Class<?> type) {
        components = type.getRecordComponents();
        names = new String[components.length];
        accessors = new Method[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            JsonRecords.Name n = components[i].getAnnotation(JsonRecords.Name.class);
            names[i] = n != null ? n.value() : JsonWriter.snakeCase(components[i].getName());
            accessors[i] = components[i].getAccessor();
            accessors[i].setAccessible(true);
            types[i] = components[i].getType();
        }
        try {
            constructor = type.getDeclaredConstructor(types);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("a record without its canonical constructor: " + type.getName(), e);
        }
        constructor.setAccessible(true);
    }

    static RecordShape of(Class<?> recordType) {
        return SHAPES.get(recordType);
    }
}
