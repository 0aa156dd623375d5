package io.github.landscape4j.agent.internal;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Internal: what the agent changes in DL4J: a call to {@link AttachHook#exit(Object)} before every return of every
 * {@code init(...)} and {@code setListeners(...)} overload of {@code MultiLayerNetwork} and
 * {@code ComputationGraph}. {@code init} is where a model becomes usable (and {@code clone()} goes through it);
 * {@code setListeners} replaces the listener list, ours included, so the hook adds it back. Exceptions leave the
 * methods without the call, like an exit advice.
 *
 * <p>Written with the ASM that Byte Buddy bundles, not with Byte Buddy's {@code AgentBuilder} and {@code Advice}:
 * those loaded ~1,200 classes on the program's main thread for this one insertion and cost ~1 s of startup
 * (measured with examples/bench.sh agent); this loads a dozen.
 */
final class ModelWeaving {

    private ModelWeaving() {
    }

    /** A method of the class file: its access flags, name and descriptor. */
    private interface Hooked {
        boolean test(int access, String name, String descriptor);
    }

    /** The class file with the hook calls added. */
    static byte[] weave(byte[] classfile) {
        return weave(classfile, (access, name, descriptor) -> (name.equals("init") || name.equals("setListeners"))
                && descriptor.endsWith(")V")
                && (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT | Opcodes.ACC_SYNTHETIC)) == 0, true);
    }

    /**
     * The program's main class with a call to {@link AttachHook#mainReturned()} before every return of its
     * {@code public static void main(String[])}: when {@code main} returns normally the agent's runs take their final
     * snapshot, on the main thread, before the JVM begins to exit (a shutdown hook is no place for minutes of work).
     */
    static byte[] weaveMain(byte[] classfile) {
        return weave(classfile, (access, name, descriptor) -> name.equals("main")
                && descriptor.equals("([Ljava/lang/String;)V")
                && (access & Opcodes.ACC_STATIC) != 0 && (access & Opcodes.ACC_PUBLIC) != 0, false);
    }

    /**
     * {@code classfile} with a hook call before every {@code return} of the methods {@code hooked} picks:
     * {@code AttachHook.exit(this)} when {@code withThis}, else {@code AttachHook.mainReturned()}.
     */
    private static byte[] weave(byte[] classfile, Hooked hooked, boolean withThis) {
        ClassReader reader = new ClassReader(classfile);
        // COMPUTE_MAXS: one more stack slot at the returns; the frames stay valid (nothing branches into the calls)
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
                return hooked.test(access, name, descriptor) ? new ExitCall(mv, withThis) : mv;
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Inserts {@code AttachHook.exit(this)}, or {@code AttachHook.mainReturned()}, before each {@code return}. */
    private static final class ExitCall extends MethodVisitor {
        private final boolean withThis;

        ExitCall(MethodVisitor next, boolean withThis) {
            super(Opcodes.ASM9, next);
            this.withThis = withThis;
        }

        @Override
        public void visitInsn(int opcode) {
            if (opcode == Opcodes.RETURN) {
                if (withThis) {
                    super.visitVarInsn(Opcodes.ALOAD, 0);
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, AttachHook.INTERNAL_NAME, "exit",
                            "(Ljava/lang/Object;)V", false);
                } else {
                    super.visitMethodInsn(Opcodes.INVOKESTATIC, AttachHook.INTERNAL_NAME, "mainReturned", "()V",
                            false);
                }
            }
            super.visitInsn(opcode);
        }
    }
}
