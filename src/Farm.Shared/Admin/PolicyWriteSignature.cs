namespace Farm.Shared.Admin;

/// <summary>An operator's signature over a policy write, as farmctl sends it: the write's nonce, the operator's DER certificate and the signature, both base64.</summary>
public sealed record PolicyWriteSignature(string Nonce, string Certificate, string Signature);
