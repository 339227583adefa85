using CsCheck;
using Farm.Shared.Policy;

namespace Farm.Shared.Tests.Policy;

public class PolicyPropertyTests
{
    [Fact]
    public void PrintThenParse_AnyDocument_RoundTrips() =>
        PolicyGen.Document.Sample(
            doc =>
            {
                var text = PolicyPrinter.Print(doc);
                var result = PolicyParser.Parse(text);
                Assert.True(result.Success, string.Join("\n", result.Errors) + "\n" + text);
                Assert.Equal(doc, result.Document);
                Assert.Equal(text, PolicyPrinter.Print(result.Document!));
            },
            iter: 500);

    [Fact]
    public void CompiledPolicy_AnyDocumentAndRequest_AgreesWithReference() =>
        Gen.Select(PolicyGen.Document, PolicyGen.Request.Array[20]).Sample(
            (doc, requests) =>
            {
                var policy = CompiledPolicy.Compile(doc);
                foreach (var request in requests)
                {
                    Assert.Equal(ReferencePolicy.Decide(doc, request), policy.Decide(request));
                    Assert.Equal(ReferencePolicy.DecideClient(doc, request.Client, request.Listener), policy.DecideClient(request.Client, request.Listener));
                    Assert.Equal(ReferencePolicy.Route(doc, request.Host, request.Address, request.Port), policy.Route(request.Host, request.Address, request.Port));
                }
            },
            iter: 1000);
}
