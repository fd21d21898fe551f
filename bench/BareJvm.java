import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The floor for a JVM tool: sends one command line to an HAProxy admin socket and prints the
 * answer, nothing else (no argument parsing, no JSON). Used by bench/startup for comparison.
 * Usage: java -cp bench/target/bare BareJvm SOCKET 'COMMAND'
 */
public final class BareJvm {
    public static void main(String[] args) throws Exception {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(args[0]));
            channel.write(ByteBuffer.wrap((args[1] + "\n").getBytes(StandardCharsets.UTF_8)));
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            while (channel.read(buffer) >= 0) {
                System.out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            System.out.flush();
        }
    }
}
