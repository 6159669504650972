package io.github.altclip4j.weights;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A restricted unpickler for what {@code torch.save(state_dict)} writes: a protocol 2 (or 4) pickle of an
 * {@code OrderedDict} of tensors. It is a data reader, not an interpreter: the only callables it knows are
 * {@code collections.OrderedDict}, {@code torch._utils._rebuild_tensor_v2}, {@code torch._utils._rebuild_parameter}
 * and the {@code torch.*Storage} classes, and it never calls anything: a REDUCE of a known global just builds a
 * record of it. Any other global is refused by name before anything is done with it; stack, memo, string sizes and
 * nesting are bounded by the pickle's own length.
 */
final class Unpickler {

    /** A {@code torch.*Storage} class named by a global, e.g. FloatStorage. */
    record StorageType(String name) {}

    /** {@code persistent_load(('storage', type, key, location, numel))}: one zip entry {@code data/<key>}. */
    record StorageRef(StorageType type, String key, long numel) {}

    /** {@code _rebuild_tensor_v2(storage, offset, size, stride, ...)}. */
    record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    private static final Set<String> STORAGE_TYPES = Set.of(
            "FloatStorage",
            "HalfStorage",
            "BFloat16Storage",
            "DoubleStorage",
            "LongStorage",
            "IntStorage",
            "ShortStorage",
            "CharStorage",
            "ByteStorage",
            "BoolStorage");
    private static final int MAX_DEPTH = 1000;

    private enum Global {
        ORDERED_DICT,
        REBUILD_TENSOR_V2,
        REBUILD_PARAMETER
    }

    private static final Object NONE = new Object();

    private final Path file;
    private final ByteBuffer in;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private Unpickler(Path file, byte[] pickle) {
        this.file = file;
        this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Unpickles a state dict: tensor names to tensor references, in order. */
    static Map<String, TensorRef> stateDict(Path file, byte[] pickle) throws WeightFormatException {
        Object top = new Unpickler(file, pickle).run();
        if (!(top instanceof Map)) throw new WeightFormatException(file, "data.pkl does not hold a dict of tensors");
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) top).entrySet()) {
            if (!(e.getKey() instanceof String))
                throw new WeightFormatException(file, "a state dict key is " + describe(e.getKey()) + ", not a string");
            if (!(e.getValue() instanceof TensorRef)) {
                throw new WeightFormatException(
                        file,
                        "state dict entry \"" + abbreviate((String) e.getKey()) + "\" is " + describe(e.getValue())
                                + ", not a tensor");
            }
            out.put((String) e.getKey(), (TensorRef) e.getValue());
        }
        return out;
    }

    private Object run() throws WeightFormatException {
        try {
            while (true) {
                int op = in.get() & 0xFF;
                switch (op) {
                    case 0x80:
                        in.get();
                        break; // PROTO n
                    case 0x95:
                        in.getLong();
                        break; // FRAME len (protocol 4)
                    case '.':
                        return pop(); // STOP
                    case '(':
                        marks.add(stack.size());
                        break; // MARK
                    case '}':
                        push(new LinkedHashMap<>());
                        break; // EMPTY_DICT
                    case ']':
                        push(new ArrayList<>());
                        break; // EMPTY_LIST
                    case ')':
                        push(new Object[0]);
                        break; // EMPTY_TUPLE
                    case 'N':
                        push(NONE);
                        break;
                    case 0x88:
                        push(Boolean.TRUE);
                        break; // NEWTRUE
                    case 0x89:
                        push(Boolean.FALSE);
                        break; // NEWFALSE
                    case 'J':
                        push((long) in.getInt());
                        break; // BININT
                    case 'K':
                        push((long) (in.get() & 0xFF));
                        break; // BININT1
                    case 'M':
                        push((long) (in.getShort() & 0xFFFF));
                        break; // BININT2
                    case 0x8a:
                        push(long1());
                        break; // LONG1
                    case 'G':
                        push(in.order(ByteOrder.BIG_ENDIAN).getDouble());
                        in.order(ByteOrder.LITTLE_ENDIAN);
                        break;
                    case 'X':
                        push(string(in.getInt()));
                        break; // BINUNICODE
                    case 0x8c:
                        push(string(in.get() & 0xFF));
                        break; // SHORT_BINUNICODE
                    case 'T':
                        push(string(in.getInt()));
                        break; // BINSTRING
                    case 'U':
                        push(string(in.get() & 0xFF));
                        break; // SHORT_BINSTRING
                    case 'q':
                        memo.put((long) (in.get() & 0xFF), peek());
                        break; // BINPUT
                    case 'r':
                        memo.put(in.getInt() & 0xFFFFFFFFL, peek());
                        break; // LONG_BINPUT
                    case 0x94:
                        memo.put((long) memo.size(), peek());
                        break; // MEMOIZE
                    case 'h':
                        push(memoGet(in.get() & 0xFF));
                        break; // BINGET
                    case 'j':
                        push(memoGet(in.getInt() & 0xFFFFFFFFL));
                        break; // LONG_BINGET
                    case 't':
                        push(popToMark().toArray());
                        break; // TUPLE
                    case 0x85:
                        push(new Object[] {pop()});
                        break; // TUPLE1
                    case 0x86: {
                        Object b = pop(), a = pop();
                        push(new Object[] {a, b});
                        break;
                    }
                    case 0x87: {
                        Object c = pop(), b = pop(), a = pop();
                        push(new Object[] {a, b, c});
                        break;
                    }
                    case 'a': {
                        Object v = pop();
                        list(peek()).add(v);
                        break;
                    } // APPEND
                    case 'e': {
                        List<Object> items = popToMark();
                        list(peek()).addAll(items);
                        break;
                    }
                    case 's': {
                        Object v = pop(), k = pop();
                        dict(peek()).put(key(k), v);
                        break;
                    }
                    case 'u': { // SETITEMS
                        List<Object> kv = popToMark();
                        Map<Object, Object> d = dict(peek());
                        for (int i = 0; i + 1 < kv.size(); i += 2) d.put(key(kv.get(i)), kv.get(i + 1));
                        break;
                    }
                    case 'c':
                        push(global(line(), line()));
                        break; // GLOBAL module\nname\n
                    case 0x93: {
                        Object name = pop(), module = pop();
                        push(global(str(module), str(name)));
                        break;
                    }
                    case 'Q':
                        push(persistentLoad(pop()));
                        break; // BINPERSID
                    case 'R': {
                        Object args = pop(), f = pop();
                        push(reduce(f, args));
                        break;
                    }
                    case 'b': {
                        pop();
                        break;
                    } // BUILD: attribute state (e.g. _metadata), ignored
                    default:
                        throw new WeightFormatException(
                                file,
                                String.format("unsupported pickle opcode 0x%02x at byte %d", op, in.position() - 1));
                }
                if (stack.size() > MAX_DEPTH * 64) throw new WeightFormatException(file, "pickle stack too deep");
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new WeightFormatException(file, "truncated or malformed pickle at byte " + in.position());
        }
    }

    private Object global(String module, String name) throws WeightFormatException {
        String full = module + "." + name;
        switch (full) {
            case "collections.OrderedDict":
                return Global.ORDERED_DICT;
            case "torch._utils._rebuild_tensor_v2":
                return Global.REBUILD_TENSOR_V2;
            case "torch._utils._rebuild_parameter":
                return Global.REBUILD_PARAMETER;
            default:
                if (module.equals("torch") && STORAGE_TYPES.contains(name)) return new StorageType(name);
                throw new WeightFormatException(
                        file,
                        "pickle refers to \"" + full
                                + "\", which is not allowed (only tensors and state dicts are read; nothing in a pickle is ever run)");
        }
    }

    private Object reduce(Object f, Object argsObj) throws WeightFormatException {
        Object[] args = tuple(argsObj, "REDUCE arguments");
        if (f == Global.ORDERED_DICT) {
            if (args.length != 0) throw new WeightFormatException(file, "OrderedDict with arguments");
            return new LinkedHashMap<>();
        }
        if (f == Global.REBUILD_TENSOR_V2) {
            if (args.length < 4 || !(args[0] instanceof StorageRef))
                throw new WeightFormatException(file, "malformed _rebuild_tensor_v2 call");
            long offset = num(args[1]);
            if (offset < 0)
                throw new WeightFormatException(file, "negative storage offset " + offset + " in a tensor record");
            return new TensorRef((StorageRef) args[0], offset, longs(args[2]), longs(args[3]));
        }
        if (f == Global.REBUILD_PARAMETER) {
            if (args.length < 1 || !(args[0] instanceof TensorRef))
                throw new WeightFormatException(file, "malformed _rebuild_parameter call");
            return args[0];
        }
        throw new WeightFormatException(file, "pickle calls something that is not a known callable");
    }

    private Object persistentLoad(Object pid) throws WeightFormatException {
        Object[] t = tuple(pid, "persistent id");
        if (t.length != 5 || !"storage".equals(t[0]) || !(t[1] instanceof StorageType) || !(t[2] instanceof String)) {
            throw new WeightFormatException(
                    file,
                    "unsupported persistent id (" + t.length
                            + " items; expected ('storage', type, key, location, size))");
        }
        String key = (String) t[2];
        if (!key.matches("[A-Za-z0-9_]{1,64}"))
            throw new WeightFormatException(file, "bad storage key \"" + key + "\"");
        return new StorageRef((StorageType) t[1], key, num(t[4]));
    }

    private long long1() throws WeightFormatException {
        int n = in.get() & 0xFF;
        if (n > 8) throw new WeightFormatException(file, "integer of " + n + " bytes in pickle");
        long v = 0;
        for (int i = 0; i < n; i++) v |= (in.get() & 0xFFL) << (8 * i);
        if (n > 0 && n < 8 && (v & (1L << (8 * n - 1))) != 0) v |= -1L << (8 * n); // sign-extend
        return v;
    }

    private String string(int length) throws WeightFormatException {
        if (length < 0 || length > in.remaining())
            throw new WeightFormatException(file, "string of " + length + " bytes runs past the pickle");
        byte[] b = new byte[length];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private String line() throws WeightFormatException {
        StringBuilder b = new StringBuilder();
        while (true) {
            byte c = in.get();
            if (c == '\n') return b.toString();
            if (b.length() > 256) throw new WeightFormatException(file, "GLOBAL name too long");
            b.append((char) (c & 0xFF));
        }
    }

    private Object memoGet(long key) throws WeightFormatException {
        Object v = memo.get(key);
        if (v == null) throw new WeightFormatException(file, "pickle memo key " + key + " is not defined");
        return v;
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws WeightFormatException {
        if (stack.isEmpty()) throw new WeightFormatException(file, "pickle stack underflow at byte " + in.position());
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws WeightFormatException {
        if (stack.isEmpty()) throw new WeightFormatException(file, "pickle stack underflow at byte " + in.position());
        return stack.get(stack.size() - 1);
    }

    private List<Object> popToMark() throws WeightFormatException {
        if (marks.isEmpty()) throw new WeightFormatException(file, "pickle MARK missing");
        int at = marks.remove(marks.size() - 1);
        if (at > stack.size()) throw new WeightFormatException(file, "pickle MARK beyond the stack");
        List<Object> items = new ArrayList<>(stack.subList(at, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) throws WeightFormatException {
        if (!(o instanceof List)) throw new WeightFormatException(file, "APPEND to something that is not a list");
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) throws WeightFormatException {
        if (!(o instanceof Map)) throw new WeightFormatException(file, "SETITEM on something that is not a dict");
        return (Map<Object, Object>) o;
    }

    /**
     * A dict key: a string, number or boolean. Anything else (a list, a dict, a tuple: what a hostile pickle can
     * build, up to a dict that contains itself) is refused rather than hashed, which could recurse without end.
     */
    private Object key(Object k) throws WeightFormatException {
        if (k instanceof String || k instanceof Long || k instanceof Double || k instanceof Boolean) return k;
        throw new WeightFormatException(
                file, "a dict key at byte " + in.position() + " is " + describe(k) + ", not a string or number");
    }

    /** What kind of value {@code o} is, in a few words (never the value itself: it may be huge or cyclic). */
    static String describe(Object o) {
        if (o == null || o == NONE) return "None";
        if (o instanceof Map) return "a dict";
        if (o instanceof List) return "a list";
        if (o instanceof Object[]) return "a tuple";
        if (o instanceof TensorRef) return "a tensor";
        if (o instanceof String) return "a string";
        if (o instanceof Long || o instanceof Double) return "a number";
        return "a " + o.getClass().getSimpleName();
    }

    private Object[] tuple(Object o, String what) throws WeightFormatException {
        if (!(o instanceof Object[])) throw new WeightFormatException(file, what + " is not a tuple");
        return (Object[]) o;
    }

    private long num(Object o) throws WeightFormatException {
        if (!(o instanceof Long))
            throw new WeightFormatException(file, "expected an integer in a tensor record, got " + describe(o));
        return (Long) o;
    }

    private long[] longs(Object o) throws WeightFormatException {
        Object[] t = tuple(o, "tensor size/stride");
        if (t.length > 64) throw new WeightFormatException(file, "tensor of rank " + t.length);
        long[] out = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            out[i] = num(t[i]);
            if (out[i] < 0) throw new WeightFormatException(file, "negative tensor size or stride");
        }
        return out;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static String str(Object o) {
        return String.valueOf(o);
    }
}
