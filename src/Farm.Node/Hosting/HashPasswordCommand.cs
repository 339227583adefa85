using Farm.Shared.Security;

namespace Farm.Node.Hosting;

/// <summary>
/// <c>Farm.Node hash-password [user]</c>: reads a password from standard input and prints the
/// policy's <c>user</c> line with a salted hash, so no plain password is ever written down.
/// </summary>
public static class HashPasswordCommand
{
    public static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var user = args.Length > 1 ? args[1] : null;
        if (!Console.IsInputRedirected)
        {
            error.Write("password: ");
        }

        var password = input.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            error.WriteLine("hash-password: no password on standard input");
            return 2;
        }

        var hash = PasswordHasher.Hash(password);
        output.WriteLine(user is null ? hash : $"user {user} {hash}");
        return 0;
    }
}
