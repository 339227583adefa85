namespace Farm.Shared.Policy;

/// <summary>The shipped default policy (ops/policies/default.policy), embedded in this assembly.</summary>
public static class DefaultPolicy
{
    public const string SourceName = "embedded:default.policy";

    public static string ReadText()
    {
        using var stream = typeof(DefaultPolicy).Assembly.GetManifestResourceStream("default.policy")
            ?? throw new InvalidOperationException("the default policy is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
