namespace Farm.Shared.Policy;

public sealed record GroupEntry(int Line, string Name, EquatableArray<string> Members);
