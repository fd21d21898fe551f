package hapc.runtime;

import hapc.HapcException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an HAProxy CLI listens, spelled as in haproxy.cfg: a unix path (optionally
 * {@code unix@PATH}), {@code ipv4@HOST:PORT} or {@code ipv6@[HOST]:PORT}.
 */
public record SocketTarget(String spelling, Path unixPath, String host, int port) {
    private static final Pattern IPV4 = Pattern.compile("ipv4@([^:\\[\\]]+):([0-9]{1,5})");
    private static final Pattern IPV6 = Pattern.compile("ipv6@\\[([0-9A-Fa-f:.]+)\\]:([0-9]{1,5})");

    public static SocketTarget parse(String spelling) {
        Matcher v4 = IPV4.matcher(spelling);
        if (v4.matches()) {
            return inet(spelling, v4.group(1), v4.group(2));
        }
        Matcher v6 = IPV6.matcher(spelling);
        if (v6.matches()) {
            return inet(spelling, v6.group(1), v6.group(2));
        }
        if (spelling.startsWith("ipv4@") || spelling.startsWith("ipv6@")) {
            throw HapcException.invalid("socket " + spelling + " is not of the form ipv4@HOST:PORT or ipv6@[HOST]:PORT");
        }
        String path = spelling.startsWith("unix@") ? spelling.substring("unix@".length()) : spelling;
        try {
            return new SocketTarget(spelling, Path.of(path), null, 0);
        } catch (java.nio.file.InvalidPathException e) {
            throw HapcException.invalid("socket path " + spelling + " is not a valid path");
        }
    }

    private static SocketTarget inet(String spelling, String host, String port) {
        int number = Integer.parseInt(port);
        if (number < 1 || number > 65535) {
            throw HapcException.invalid("socket " + spelling + " has port " + number + ", outside 1-65535");
        }
        return new SocketTarget(spelling, null, host, number);
    }

    public boolean isUnix() {
        return unixPath != null;
    }

    public SocketAddress address() {
        return isUnix() ? UnixDomainSocketAddress.of(unixPath) : new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return spelling;
    }
}
