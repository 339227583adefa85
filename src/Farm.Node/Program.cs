Console.WriteLine("farm node");
