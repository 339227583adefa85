using System.Text;
using Farm.Shared.Policy;

namespace Farm.Fuzz.Targets;

/// <summary>The policy text as a replica meets it: parsed, and compiled when it is valid.</summary>
internal static class PolicyTarget
{
    public static void Run(byte[] input)
    {
        var parsed = PolicyParser.Parse(Encoding.UTF8.GetString(input));
        if (parsed.Success != parsed.Document is not null)
        {
            throw new FuzzFailure($"success {parsed.Success} but document {(parsed.Document is null ? "absent" : "present")}");
        }

        if (parsed.Document is { } document)
        {
            CompiledPolicy.Compile(document);
        }
    }
}
