package io.modularddd.cache;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Tells whether a record's {@code equals} is the one the compiler generates — component by component,
 * exact — rather than one the author wrote (which may call values equal whose components differ, e.g.
 * ignoring case). Only then may the L1 tier key entries by the query value itself (the fast path): a
 * written {@code equals} could make two queries with different canonical keys share one entry.
 *
 * <p>Reflection cannot tell the two apart (both are ordinary public methods), so this reads the record's
 * class file: the generated method is exactly {@code aload_0; aload_1; invokedynamic; ireturn}, with the
 * call site bootstrapped by {@code java.lang.runtime.ObjectMethods}. Anything else — a written method, a
 * class file that cannot be read — answers {@code false}, which only costs the fast path, never
 * correctness.
 */
final class RecordEquality {

    private static final String OBJECT_METHODS = "java/lang/runtime/ObjectMethods";

    private RecordEquality() {
    }

    /**
     * Tells whether the record's {@code equals(Object)} is compiler-generated.
     *
     * @param recordClass a record class
     * @return {@code true} when its class file shows the generated method
     */
    static boolean isGenerated(Class<?> recordClass) {
        if (!recordClass.isRecord()) {
            return false;
        }
        String name = recordClass.getName();
        String resource = name.substring(name.lastIndexOf('.') + 1) + ".class";
        try (InputStream in = recordClass.getResourceAsStream(resource)) {
            return in != null && new Reader(new DataInputStream(in)).equalsIsGenerated();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Reads just enough of a class file (JVMS §4) to find {@code equals} and its bootstrap method. */
    private static final class Reader {
        private final DataInputStream in;
        private int[] tags;
        private int[] first;
        private int[] second;
        private String[] utf8;
        private byte[] equalsCode;
        private int[][] bootstrapMethods;

        Reader(DataInputStream in) {
            this.in = in;
        }

        boolean equalsIsGenerated() throws IOException {
            if (in.readInt() != 0xCAFEBABE) {
                return false;
            }
            in.readUnsignedShort(); // minor
            in.readUnsignedShort(); // major
            readConstantPool();
            in.readUnsignedShort(); // access flags
            in.readUnsignedShort(); // this class
            in.readUnsignedShort(); // super class
            skip(2L * in.readUnsignedShort()); // interfaces
            int fields = in.readUnsignedShort();
            for (int i = 0; i < fields; i++) {
                in.readUnsignedShort();
                in.readUnsignedShort();
                in.readUnsignedShort();
                skipAttributes();
            }
            int methods = in.readUnsignedShort();
            for (int i = 0; i < methods; i++) {
                in.readUnsignedShort();
                String methodName = utf8[in.readUnsignedShort()];
                String descriptor = utf8[in.readUnsignedShort()];
                if ("equals".equals(methodName) && "(Ljava/lang/Object;)Z".equals(descriptor)) {
                    readCode();
                } else {
                    skipAttributes();
                }
            }
            int attributes = in.readUnsignedShort();
            for (int i = 0; i < attributes; i++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if ("BootstrapMethods".equals(attribute)) {
                    bootstrapMethods = new int[in.readUnsignedShort()][];
                    for (int b = 0; b < bootstrapMethods.length; b++) {
                        int ref = in.readUnsignedShort();
                        int args = in.readUnsignedShort();
                        skip(2L * args);
                        bootstrapMethods[b] = new int[] {ref};
                    }
                } else {
                    skip(length);
                }
            }
            return check();
        }

        private boolean check() {
            byte[] c = equalsCode;
            if (c == null || bootstrapMethods == null || c.length != 8 || (c[0] & 0xff) != 0x2a
                    || (c[1] & 0xff) != 0x2b || (c[2] & 0xff) != 0xba || c[5] != 0 || c[6] != 0
                    || (c[7] & 0xff) != 0xac) {
                return false;
            }
            int indy = (c[3] & 0xff) << 8 | c[4] & 0xff;
            if (indy >= tags.length || tags[indy] != 18) {
                return false;
            }
            int bootstrap = first[indy];
            if (bootstrap >= bootstrapMethods.length) {
                return false;
            }
            int handle = bootstrapMethods[bootstrap][0];
            if (tags[handle] != 15) {
                return false;
            }
            int methodRef = second[handle];
            if (tags[methodRef] != 10 && tags[methodRef] != 11) {
                return false;
            }
            int owner = first[methodRef];
            return tags[owner] == 7 && OBJECT_METHODS.equals(utf8[first[owner]]);
        }

        private void readConstantPool() throws IOException {
            int count = in.readUnsignedShort();
            tags = new int[count];
            first = new int[count];
            second = new int[count];
            utf8 = new String[count];
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                tags[i] = tag;
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7, 8, 16, 19, 20 -> first[i] = in.readUnsignedShort();
                    case 3, 4 -> in.readInt();
                    case 5, 6 -> {
                        in.readLong();
                        i++; // takes two slots
                    }
                    case 9, 10, 11, 12, 17, 18 -> {
                        first[i] = in.readUnsignedShort();
                        second[i] = in.readUnsignedShort();
                    }
                    case 15 -> {
                        first[i] = in.readUnsignedByte();
                        second[i] = in.readUnsignedShort();
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag);
                }
            }
        }

        private void readCode() throws IOException {
            int attributes = in.readUnsignedShort();
            for (int i = 0; i < attributes; i++) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if ("Code".equals(attribute)) {
                    in.readUnsignedShort(); // max stack
                    in.readUnsignedShort(); // max locals
                    int codeLength = in.readInt();
                    equalsCode = in.readNBytes(codeLength);
                    skip(length - 8L - codeLength);
                } else {
                    skip(length);
                }
            }
        }

        private void skipAttributes() throws IOException {
            int attributes = in.readUnsignedShort();
            for (int i = 0; i < attributes; i++) {
                in.readUnsignedShort();
                skip(in.readInt() & 0xffffffffL);
            }
        }

        private void skip(long bytes) throws IOException {
            long left = bytes;
            while (left > 0) {
                long skipped = in.skip(left);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("truncated class file");
                    }
                    skipped = 1;
                }
                left -= skipped;
            }
        }
    }
}
