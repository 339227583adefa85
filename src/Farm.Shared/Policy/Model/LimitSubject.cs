namespace Farm.Shared.Policy;

/// <summary>What a session limit counts; <see cref="object.ToString"/> is its text form, usable as a counter key.</summary>
public abstract record LimitSubject;
