using System.Text.Json;
using System.Text.RegularExpressions;
using Farm.Admin.Access;
using Farm.Cli.Tests.Support;
using Farm.Shared.Admin;
using Farm.Tests.Shared;

namespace Farm.Cli.Tests;

/// <summary>
/// A member always requires a token: without <c>Farm:Admin:Token</c> it generates one into its state
/// root (0600 in a 0700 directory), never logs it, and farmctl run by the same user on the same
/// machine reads it; a request without it is refused even on loopback.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class AdminTokenTests
{
    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private static readonly UnixFileMode OwnerDirectory = OwnerOnly | UnixFileMode.UserExecute;

    [Fact]
    public async Task NoTokenConfigured_MemberGeneratesTokenFile_FarmctlOnTheSameMachineUsesIt()
    {
        var root = Path.Combine(TestStateRoot.Path, $"own-{Guid.NewGuid():N}", "farm");
        var environment = new Dictionary<string, string> { ["FARM_STATE_DIR"] = root };
        await using var lighthouse = MemberProcess.StartLighthouse("token-lighthouse", environment: environment);
        var file = Path.Combine(root, $"admin-127.0.0.1-{lighthouse.Admin[(lighthouse.Admin.LastIndexOf(':') + 1)..]}.token");

        var show = await Eventually.UntilAsync(
            () => Farmctl.RunAsync([lighthouse.Admin, "cluster", "show"], null, environment),
            r => r.ExitCode == 0,
            TimeSpan.FromSeconds(40));

        Assert.True(show.ExitCode == 0, $"farmctl without --token: {show.ExitCode} {show.Error}{lighthouse.Tail(10)}");
        Assert.Contains("Count: 1 nodes", show.Output, StringComparison.Ordinal);
        var token = (await File.ReadAllTextAsync(file)).Trim();
        Assert.Matches(Base64Url32(), token);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(root));
        Assert.Contains(file, lighthouse.Tail(200), StringComparison.Ordinal);
        Assert.DoesNotContain(token, lighthouse.Tail(200), StringComparison.Ordinal);

        var elsewhere = await Farmctl.RunAsync([lighthouse.Admin, "cluster", "show"], null, new Dictionary<string, string> { ["FARM_STATE_DIR"] = Path.Combine(root, "other") });
        Assert.Equal(4, elsewhere.ExitCode);
        Assert.Contains("no bearer token", elsewhere.Error, StringComparison.Ordinal);
        Assert.Contains("no token file", elsewhere.Error, StringComparison.Ordinal);

        var bare = await Curl.RunAsync($"http://{lighthouse.Admin}{AdminRoutes.ClusterMembers}");
        Assert.Equal(401, bare.Status);
        var authorized = await Curl.RunAsync($"http://{lighthouse.Admin}{AdminRoutes.ClusterMembers}", "-H", $"Authorization: Bearer {token}");
        Assert.Equal(200, authorized.Status);
    }

    [Fact]
    public async Task DefaultNode_CrossSiteTextPlainPolicyWrite_RefusedAndPolicyStays()
    {
        await using var node = await NodeHost.StartAsync();
        var url = $"http://{node.Admin}";
        var token = (await File.ReadAllTextAsync(AdminTokenFile.PathFor(TestStateRoot.Path, node.Admin)!)).Trim();
        string[] authorized = ["-H", $"Authorization: Bearer {token}"];
        var before = await Eventually.UntilAsync(() => VersionAsync(url, authorized), v => v > 0, TimeSpan.FromSeconds(15));

        // What a page can send without a preflight: a "simple" POST, with or without the Origin a browser adds.
        var results = new List<int>();
        foreach (var origin in new[] { null, "http://evil.example" })
        {
            string[] browser = origin is null ? [] : ["-H", $"Origin: {origin}"];
            results.Add((await Curl.RunAsync(url + AdminRoutes.Policy, ["-X", "POST", "-H", "Content-Type: text/plain", "--data", "pass any to any", .. browser])).Status);
            results.Add((await Curl.RunAsync(url + AdminRoutes.PolicyApply, ["-X", "POST", "-H", "Content-Type: text/plain", "--data", """{"text":"pass any to any\n","author":"page"}""", .. browser])).Status);
        }

        var read = await Curl.RunAsync(url + AdminRoutes.Policy);

        Assert.All(results, status => Assert.InRange(status, 400, 499));
        Assert.Equal(401, read.Status);
        Assert.Equal(before, await VersionAsync(url, authorized));
    }

    [Fact]
    public void TokenStore_GeneratesOnceThenReusesIt()
    {
        var path = Path.Combine(TestStateRoot.Path, $"store-{Guid.NewGuid():N}", "admin-127.0.0.1-9110.token");

        var first = AdminTokenStore.LoadOrCreate(path);
        var second = AdminTokenStore.LoadOrCreate(path);

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Token, second.Token);
        Assert.Matches(Base64Url32(), first.Token);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public async Task TokenFileReadableByOthers_MemberRefusesToStart()
    {
        var root = Path.Combine(TestStateRoot.Path, $"loose-{Guid.NewGuid():N}");
        Directory.CreateDirectory(root);
        var port = TestPorts.Next();
        var path = AdminTokenFile.PathFor(root, $"127.0.0.1:{port}")!;
        await File.WriteAllTextAsync(path, "some-token\n");
        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Assert.Throws<InvalidOperationException>(() => AdminTokenStore.LoadOrCreate(path));

        Assert.Contains("readable by other users", error.Message, StringComparison.Ordinal);
    }

    private static async Task<long> VersionAsync(string url, string[] authorized)
    {
        var show = await Curl.RunAsync(url + AdminRoutes.Policy, authorized);
        Assert.Equal(200, show.Status);
        return JsonSerializer.Deserialize(show.Body, AdminJsonContext.Default.PolicyView)!.Version;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$")]
    private static partial Regex Base64Url32();
}
