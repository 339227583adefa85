using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Farm.Node.Tests.Support;
using Farm.Shared.Policy;
using Farm.Shared.Socks;

namespace Farm.Node.Tests.Ops;

/// <summary>
/// The images and the compose farm checked without a Docker engine: each image copies every project its
/// published projects build from, every base image is pinned by digest, host build output stays out of the
/// build context, and the compose policy lets the demo client through while keeping the default's blocks.
/// </summary>
public sealed partial class ContainerArtifactsTests
{
    private static readonly string[] Images = ["node.Dockerfile", "lighthouse.Dockerfile", "farmctl.Dockerfile"];

    public static TheoryData<string> Dockerfiles => [.. Images];

    [Theory]
    [MemberData(nameof(Dockerfiles))]
    public void Dockerfile_CopiesEveryProjectItsPublishedProjectsReference(string dockerfile)
    {
        var text = File.ReadAllText(RepoFiles.Path("ops", "docker", dockerfile));
        var published = PublishedProject().Matches(text).Select(match => match.Groups[1].Value).ToList();
        Assert.NotEmpty(published);

        foreach (var project in published.SelectMany(Closure).Distinct())
        {
            var directory = Path.GetDirectoryName(project)!.Replace('\\', '/');
            Assert.Contains($"COPY {project} {directory}/", text, StringComparison.Ordinal);
            Assert.Contains($"COPY {directory} {directory}", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EveryBaseImage_IsPinnedByDigest()
    {
        var images = Images
            .SelectMany(name => FromLine().Matches(File.ReadAllText(RepoFiles.Path("ops", "docker", name))).Select(match => match.Groups[1].Value))
            .Concat(ComposeImage().Matches(File.ReadAllText(RepoFiles.Path("docker-compose.yml"))).Select(match => match.Groups[1].Value))
            .ToList();

        Assert.True(images.Count >= 6, string.Join(", ", images));
        Assert.All(images, image => Assert.Matches(@"^[^@\s]+:[^@\s]+@sha256:[0-9a-f]{64}$", image));
    }

    [Fact]
    public void DockerIgnore_KeepsHostBuildOutputOutOfTheContext()
    {
        var entries = File.ReadAllLines(RepoFiles.Path(".dockerignore")).Select(line => line.Trim()).ToHashSet();

        Assert.Contains("**/bin/", entries);
        Assert.Contains("**/obj/", entries);
    }

    [Fact]
    public void ComposePolicy_PassesTheDemoClient_AndKeepsEveryDefaultBlock()
    {
        var compose = File.ReadAllText(RepoFiles.Path("ops", "policies", "compose.policy"));
        var parsed = PolicyParser.Parse(compose);
        Assert.True(parsed.Success, string.Join("\n", parsed.Errors));
        var policy = CompiledPolicy.Compile(parsed.Document!);

        foreach (var block in File.ReadAllLines(RepoFiles.Path("ops", "policies", "default.policy")).Where(line => line.StartsWith("block ", StringComparison.Ordinal)))
        {
            Assert.Contains(block, compose, StringComparison.Ordinal);
        }

        var client = IPAddress.Parse("172.28.0.50");
        Assert.Equal(PolicyAction.Pass, Decide(policy, client, "172.28.0.30", 3000));
        Assert.Equal(PolicyAction.Block, Decide(policy, client, "172.28.0.2", 9110));
        Assert.Equal(PolicyAction.Block, Decide(policy, client, "172.28.0.31", 3000));
        Assert.Equal(PolicyAction.Block, Decide(policy, IPAddress.Parse("10.9.9.9"), "172.28.0.30", 3000));
    }

    private static PolicyAction Decide(CompiledPolicy policy, IPAddress client, string destination, int port)
    {
        var listener = IPAddress.Parse("172.28.0.11");
        if (policy.DecideClient(client, listener).Action != PolicyAction.Pass)
        {
            return PolicyAction.Block;
        }

        return policy.Decide(new PolicyRequest(SocksCommand.Connect, client, listener, null, IPAddress.Parse(destination), port, AuthMethod.None, null)).Action;
    }

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    private static IEnumerable<string> Closure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(RepoFiles.Path(current)).Descendants("ProjectReference"))
            {
                var relative = Path.GetRelativePath(RepoFiles.Root, Path.GetFullPath(Path.Combine(RepoFiles.Path(directory), reference.Attribute("Include")!.Value.Replace('\\', '/'))));
                pending.Push(relative.Replace('\\', '/'));
            }
        }

        return seen;
    }

    [GeneratedRegex(@"dotnet publish (\S+\.csproj)")]
    private static partial Regex PublishedProject();

    [GeneratedRegex(@"^FROM (\S+)", RegexOptions.Multiline)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"^\s+image: (\S+)", RegexOptions.Multiline)]
    private static partial Regex ComposeImage();
}
